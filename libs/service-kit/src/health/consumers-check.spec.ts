import { restartDelayMs } from '../infrastructure/managed-consumers';
import { consumersCheck } from './consumers-check';

const running = (name: string, lag?: number) => ({ name, state: 'running' as const, restarts: 0, since: '2026-12-01T00:00:00.000Z', ...(lag !== undefined && { lag }) });

describe('consumersCheck', () => {
  it('is ok while every loop runs within the lag bound', () => {
    expect(consumersCheck([running('a', 3), running('b', 0)], 100)).toEqual({ status: 'ok', detail: 'a: lag 3, b: lag 0' });
  });

  it('is down, naming it and why, when a loop is restarting or lags too far', () => {
    const restarting = { name: 'svc--proj', state: 'restarting' as const, restarts: 2, lastError: 'consumer not found', since: '2026-12-01T00:00:05.000Z' };
    expect(consumersCheck([running('a', 3), restarting], 100)).toEqual({ status: 'down', detail: 'svc--proj restarting since 2026-12-01T00:00:05.000Z (restart 2: consumer not found)' });
    expect(consumersCheck([running('a', 500)], 100)).toEqual({ status: 'down', detail: 'a lags 500 messages (more than 100)' });
  });

  it('restarts with backoff: 1 s, 2 s, 4 s … capped at a minute', () => {
    expect([1, 2, 3, 4, 7, 20].map(restartDelayMs)).toEqual([1000, 2000, 4000, 8000, 60_000, 60_000]);
  });
});

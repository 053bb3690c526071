import { healthReport } from './health-report';

describe('healthReport', () => {
  it('is ok with no checks', async () => {
    expect(await healthReport({ service: 'agent-serving', version: '1' })).toMatchObject({ service: 'agent-serving', status: 'ok', checks: {} });
  });

  it('counts a check function that throws as down, with its message', async () => {
    const report = await healthReport({ service: 'dreaming', checks: async () => { throw new Error('nats closed'); } });
    expect(report).toMatchObject({ status: 'down', checks: { checks: { status: 'down', detail: 'nats closed' } } });
  });

  it('counts checks that never answer as down, past the time limit', async () => {
    const report = await healthReport({ service: 'dreaming', timeoutMs: 20, checks: () => new Promise(() => undefined) });
    expect(report.status).toBe('down');
    expect(report.checks['checks'].detail).toMatch(/timed out after 20 ms/);
  });
});

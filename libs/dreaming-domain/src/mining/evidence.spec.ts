import type { SessionSignals } from '../signals/session-signals.model';
import { supportOf, type Occurrence } from './evidence';

const session = (sessionId: string, ingestedBy?: string[]): SessionSignals => ({
  tenantId: 'acme', sessionId, agentId: 'a', startedAt: '2026-01-01T00:00:00.000Z', endedAt: '2026-01-01T00:10:00.000Z', outcome: 'failure',
  taskEventId: `${sessionId}-e0`, toolSequence: [], toolEventIds: [], errors: [], retries: [], rejections: [], corrections: [], feedback: [],
  unconfirmedStateChanges: [], eventCount: 1, ...(ingestedBy && { ingestedBy }),
});
const seen = (s: SessionSignals, at = '2026-01-01T00:05:00.000Z'): Occurrence => ({ session: s, eventId: `${s.sessionId}-e1`, at, userId: 'u1' });

describe('supportOf', () => {
  it('names every identity that ingested a supporting session, once and sorted', () => {
    const support = supportOf([seen(session('s1', ['key:ci', 'alice'])), seen(session('s2', ['key:ci'])), seen(session('s3', ['bob']))]);
    expect(support.sources).toEqual(['alice', 'bob', 'key:ci']);
    expect(support.sessions).toBe(3);
  });

  it('names none when the sessions recorded no one (ingested before ingestedBy existed)', () => {
    expect(supportOf([seen(session('s1')), seen(session('s2'))])).not.toHaveProperty('sources');
  });
});

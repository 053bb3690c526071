// eslint-disable-next-line @typescript-eslint/no-require-imports
const { staleTestStreams } = require('./sweep-test-streams.cjs') as { staleTestStreams(streams: { name: string; created: string }[], now: number, maxAgeMs?: number): string[] };

describe('staleTestStreams (what the integration tests remove from the shared NATS server before they run)', () => {
  const now = Date.parse('2026-12-01T12:00:00Z');
  const hoursAgo = (h: number) => new Date(now - h * 3600_000).toISOString();

  it('removes a test namespace\'s streams once they are older than an hour', () => {
    expect(staleTestStreams([
      { name: 'rep_17cae418ac_SESSIONS', created: hoursAgo(2) },
      { name: 't_0123456789_DEADLETTER', created: hoursAgo(1.5) },
      { name: 'reverie_test_abcdef0123_LESSONS', created: hoursAgo(30) },
    ], now)).toEqual(['rep_17cae418ac_SESSIONS', 't_0123456789_DEADLETTER', 'reverie_test_abcdef0123_LESSONS']);
  });

  it('keeps a run going on beside this one: streams younger than an hour', () => {
    expect(staleTestStreams([{ name: 'rep_17cae418ac_SESSIONS', created: hoursAgo(0.5) }], now)).toEqual([]);
  });

  it('never touches a deployment\'s streams: no namespace, a chosen one, or another stream name', () => {
    expect(staleTestStreams([
      { name: 'SESSIONS', created: hoursAgo(100) },
      { name: 'prod_SESSIONS', created: hoursAgo(100) },
      { name: 'staging_eu_LESSONS', created: hoursAgo(100) },
      { name: 'rep_17cae418ac_ORDERS', created: hoursAgo(100) },
      { name: 'rep_17CAE418AC_SESSIONS', created: hoursAgo(100) },
    ], now)).toEqual([]);
  });
});

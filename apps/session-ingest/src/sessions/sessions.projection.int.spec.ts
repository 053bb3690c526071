import type { SessionEvent } from '@reverie/contracts';
import { createDataSource } from '@reverie/persistence';
import { pgTestEnv, type PgTestEnv } from '@reverie/testing';
import type { DataSource } from 'typeorm';
import { sessionsProjection } from './sessions.projection';

const ev = (id: string, type: string, data: Record<string, unknown>, streamId = 's1') =>
  ({ id, type, schemaVersion: 1, tenantId: 't', streamId, occurredAt: '2025-01-01T00:00:05.000Z', recordedAt: '2025-01-01T00:01:00.000Z', actor: { kind: 'agent', id: 'a' }, correlationId: 'c', data, redactions: type === 'UserMessageRecorded' ? { email: 1 } : undefined }) as unknown as SessionEvent;

describe('sessions projection (real Postgres)', () => {
  let pg: PgTestEnv;
  let ds: DataSource;
  beforeAll(async () => {
    pg = await pgTestEnv();
    ds = createDataSource({ url: pg.url, poolSize: 2 });
    await ds.initialize();
  });
  afterAll(async () => {
    await ds?.destroy();
    await pg?.cleanup();
  });

  it('given every event delivered twice (in one batch and again later), then the rows are the same as after one delivery', async () => {
    const events = [
      ev('e0', 'SessionStarted', { seq: 0, agentId: 'agent', source: 'native', startedAt: '2025-01-01T00:00:00.000Z' }),
      ev('e1', 'UserMessageRecorded', { seq: 1, text: 'hi' }),
      ev('e2', 'ToolResultRecorded', { seq: 2, toolCallId: 'c', output: 'x', isError: true }),
      ev('e3', 'SessionEnded', { seq: 3, outcome: 'success' }),
      ev('f0', 'UserMessageRecorded', { seq: 0, text: 'other' }, 's2'),
    ];
    const stored = events.map((event, i) => ({ event, seq: i + 1, subject: `sessions.t.${event.streamId}` }));
    const dump = async () => ({
      sessions: await ds.query('SELECT * FROM ingest_sessions ORDER BY session_id'),
      ids: await ds.query('SELECT * FROM ingest_event_ids ORDER BY event_id'),
    });
    await ds.transaction((m) => sessionsProjection.apply(m, stored.slice(0, 3)));
    await ds.transaction((m) => sessionsProjection.apply(m, [...stored, ...stored]));
    const once = await dump();
    expect(once.sessions).toEqual([
      expect.objectContaining({ session_id: 's1', events: 4, messages: 1, tool_errors: 1, outcome: 'success', redactions: { email: 1 }, last_seq: '4' }),
      expect.objectContaining({ session_id: 's2', events: 1, messages: 1, redactions: { email: 1 } }),
    ]);
    expect(once.ids).toHaveLength(5);
    // Same event ids at new stream sequences (a re-send past the dedup window): no effect.
    await ds.transaction((m) => sessionsProjection.apply(m, stored.map((s) => ({ ...s, seq: s.seq + 100 }))));
    expect(await dump()).toEqual(once);
  });
});

import { sessionEventSchema, type SessionEvent } from '@reverie/contracts';
import { createDataSource } from '@reverie/persistence';
import { eventually, natsTestEnv, pgTestEnv, type NatsTestEnv, type PgTestEnv, userMessage } from '@reverie/testing';
import type { DataSource, EntityManager } from 'typeorm';
import { EventStore } from './event-store';
import { runProjection, type Projection } from './projection-runner';
import { rebuildProjectionInShadow, rebuildSchemaName, type RebuildProgress } from './projection-rebuild';
import type { RunningConsumer } from './consumer-runner';
import { jetstreamManager } from '@nats-io/jetstream';

const CONSUMER = { stream: 'sessions' as const, app: 'test', purpose: 'rebuild-projection' };

jest.setTimeout(60_000);

const message = (i: number): SessionEvent => userMessage(i, 7);

/** One row per event and a count per session; `written_at` says when, not what. */
const projection: Projection<SessionEvent> = {
  name: 'rebuild-test',
  tables: ['rebuild_test_events', 'rebuild_test_sessions'],
  volatileColumns: { rebuild_test_events: ['written_at'] },
  async apply(manager: EntityManager, events) {
    for (const { event, seq } of events) {
      await manager.query('INSERT INTO rebuild_test_events (event_id, session_id, seq) VALUES ($1, $2, $3)', [event.id, event.streamId, seq]);
      await manager.query(
        `INSERT INTO rebuild_test_sessions (session_id, events) VALUES ($1, 1) ON CONFLICT (session_id) DO UPDATE SET events = rebuild_test_sessions.events + 1`,
        [event.streamId],
      );
    }
  },
};

describe('rebuilding a projection into shadow tables, compared with the live ones, then swapped (real NATS and Postgres)', () => {
  let nats: NatsTestEnv;
  let pg: PgTestEnv;
  let ds: DataSource;
  let store: EventStore;
  let live: RunningConsumer | undefined;

  const append = async (from: number, to: number) => {
    for (let i = from; i < to; i++) await store.append('sessions', message(i));
  };
  const checkpoint = async () => Number((await ds.query(`SELECT last_seq FROM projection_checkpoints WHERE projection = $1`, [projection.name]))[0]?.last_seq ?? 0);
  const caughtUpTo = (seq: number) => eventually(async () => (await checkpoint()) >= seq, { what: `live projection at ${seq}` });
  const startLive = async () => {
    live = await runProjection({ store, dataSource: ds, stream: 'sessions', durable: nats.topology.consumerName(CONSUMER.app, CONSUMER.purpose), parser: sessionEventSchema, projection, batchSize: 50 });
  };

  beforeAll(async () => {
    nats = await natsTestEnv({ consumers: [CONSUMER] });
    pg = await pgTestEnv();
    ds = createDataSource({ url: pg.url, poolSize: 4 });
    await ds.initialize();
    await ds.query('CREATE TABLE rebuild_test_events (event_id text PRIMARY KEY, session_id text NOT NULL, seq bigint NOT NULL, written_at timestamptz NOT NULL DEFAULT clock_timestamp())');
    await ds.query('CREATE INDEX rebuild_test_events_by_session ON rebuild_test_events (session_id, seq)');
    await ds.query('CREATE TABLE rebuild_test_sessions (session_id text PRIMARY KEY, events integer NOT NULL)');
    store = new EventStore(nats.nc, nats.topology);
    await startLive();
  });

  afterAll(async () => {
    await live?.stop();
    await ds?.destroy();
    await nats?.cleanup();
    await pg?.cleanup();
  });

  it('compare mode finds what differs in the live tables and changes nothing', async () => {
    await append(0, 240);
    const last = (await jetstreamManager(nats.nc).then((j) => j.streams.info(nats.topology.streamName('sessions')))).state.last_seq;
    await caughtUpTo(last);
    // A read model gone wrong: rows lost and a count off.
    await ds.query(`DELETE FROM rebuild_test_events WHERE event_id IN (SELECT event_id FROM rebuild_test_events ORDER BY seq LIMIT 5)`);
    await ds.query(`UPDATE rebuild_test_sessions SET events = events + 3 WHERE session_id = 's-1'`);

    const phases = new Set<RebuildProgress['phase']>();
    const report = await rebuildProjectionInShadow({ store, dataSource: ds, stream: 'sessions', parser: sessionEventSchema, projection }, { mode: 'compare', batchSize: 64, onProgress: (p) => phases.add(p.phase) });

    expect(report).toMatchObject({ equal: false, swapped: false, events: 240, checkpoint: last });
    expect(report.tables).toEqual([
      { table: 'rebuild_test_events', liveRows: 235, rebuiltRows: 240, onlyLive: 0, onlyRebuilt: 5 },
      { table: 'rebuild_test_sessions', liveRows: 7, rebuiltRows: 7, onlyLive: 1, onlyRebuilt: 1 },
    ]);
    expect([...phases]).toEqual(['shadow', 'replay', 'catch-up', 'compare', 'done']);
    expect(Number((await ds.query('SELECT count(*) FROM rebuild_test_events'))[0].count)).toBe(235);
    const schemas = await ds.query(`SELECT nspname FROM pg_namespace WHERE nspname = $1`, [rebuildSchemaName('rebuild', projection.name)]);
    expect(schemas).toEqual([]);
  });

  it('swap mode replaces the live tables while the live projection keeps running under load; nothing is lost or applied twice', async () => {
    let appending = true;
    let n = 240;
    const load = (async () => {
      while (appending) {
        await append(n, n + 10);
        n += 10;
      }
    })();
    await eventually(() => n >= 300, { what: 'load under way' });

    const report = await rebuildProjectionInShadow({ store, dataSource: ds, stream: 'sessions', parser: sessionEventSchema, projection }, { mode: 'swap', batchSize: 64 });
    appending = false;
    await load;

    expect(report.swapped).toBe(true);
    expect(report.equal).toBe(false);
    expect(report.previousSchema).toBe(rebuildSchemaName('previous', projection.name));
    const last = (await jetstreamManager(nats.nc).then((j) => j.streams.info(nats.topology.streamName('sessions')))).state.last_seq;
    await caughtUpTo(last);

    // Every event once, the counts exact: the rebuild repaired the read model and the live projection went on on the new tables.
    const [{ rows, distinct }] = await ds.query('SELECT count(*)::int AS rows, count(DISTINCT event_id)::int AS distinct FROM rebuild_test_events');
    expect({ rows, distinct }).toEqual({ rows: n, distinct: n });
    const counts: { session_id: string; events: number }[] = await ds.query('SELECT session_id, events FROM rebuild_test_sessions ORDER BY session_id');
    expect(counts).toEqual(Array.from({ length: 7 }, (_, k) => ({ session_id: `s-${k}`, events: Array.from({ length: n }, (_, i) => i).filter((i) => i % 7 === k).length })));
    // The index keeps the name migrations know; the replaced tables are kept aside.
    const indexes: { indexname: string }[] = await ds.query(`SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND tablename = 'rebuild_test_events' ORDER BY indexname`);
    expect(indexes.map((i) => i.indexname)).toEqual(['rebuild_test_events_by_session', 'rebuild_test_events_pkey']);
    expect(Number((await ds.query(`SELECT count(*) FROM ${report.previousSchema}.rebuild_test_events`))[0].count)).toBe(report.checkpoint - 5);

    // Now equal: a second rebuild compares clean.
    const again = await rebuildProjectionInShadow({ store, dataSource: ds, stream: 'sessions', parser: sessionEventSchema, projection }, { mode: 'compare' });
    expect(again.equal).toBe(true);
  });

  it('refuses a projection that does not declare its tables', async () => {
    await expect(rebuildProjectionInShadow({ store, dataSource: ds, stream: 'sessions', parser: sessionEventSchema, projection: { name: 'undeclared', apply: async () => undefined } }, { mode: 'compare' }))
      .rejects.toThrow('projection undeclared does not declare the tables it owns');
  });
});

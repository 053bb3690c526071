import { jetstreamManager } from '@nats-io/jetstream';
import { sessionEventSchema, type SessionEvent } from '@reverie/contracts';
import { createDataSource } from '@reverie/persistence';
import { eventually, natsTestEnv, pgTestEnv, type NatsTestEnv, type PgTestEnv, userMessage } from '@reverie/testing';
import type { DataSource, EntityManager } from 'typeorm';
import { EventStore } from './event-store';
import type { RunningConsumer } from './consumer-runner';
import { runPartitionedProjection } from './partitioned-projection';
import { partitionOf } from './partitions';
import type { Projection } from './projection-runner';

const PARTITIONS = 4;
const CONSUMERS = Array.from({ length: PARTITIONS }, (_, i) => ({ stream: 'sessions' as const, app: 'test', purpose: `partitioned-p${i}`, ackWaitSeconds: 2 }));

jest.setTimeout(90_000);

const message = (i: number): SessionEvent => userMessage(i, 40);

describe('a projection in partitions shared by two replicas (real NATS and Postgres)', () => {
  let nats: NatsTestEnv;
  let pg: PgTestEnv;
  let ds: DataSource;
  let store: EventStore;
  const running = new Map<string, RunningConsumer>();

  const projection: Projection<SessionEvent> = {
    name: 'partitioned-test',
    async apply(manager: EntityManager, events) {
      for (const { event, seq } of events) {
        const [{ last }] = await manager.query('SELECT coalesce(max(seq), 0)::int AS last FROM part_applied WHERE session_id = $1', [event.streamId]);
        await manager.query('INSERT INTO part_applied (event_id, session_id, seq, in_order) VALUES ($1, $2, $3, $4)', [event.id, event.streamId, seq, seq > last]);
      }
    },
  };
  const start = async (owner: string) => {
    running.set(owner, await runPartitionedProjection({
      store, dataSource: ds, stream: 'sessions', durables: CONSUMERS.map((c) => nats.topology.consumerName(c.app, c.purpose)),
      parser: sessionEventSchema, projection, batchSize: 20, lease: { owner, ttlMs: 1500 }, retryMs: 150,
    }));
  };
  const leaders = async () => {
    const rows: { projection: string; lease_owner: string }[] = await ds.query(
      `SELECT projection, lease_owner FROM projection_checkpoints WHERE projection LIKE 'partitioned-test#p%' AND lease_until > now() ORDER BY projection`);
    const by: Record<string, number> = {};
    for (const r of rows) by[r.lease_owner] = (by[r.lease_owner] ?? 0) + 1;
    return by;
  };
  const append = async (from: number, to: number) => {
    for (let i = from; i < to; i++) await store.append('sessions', message(i));
  };
  const total = async () => Number((await ds.query('SELECT count(*)::int AS n FROM part_applied'))[0].n);

  beforeAll(async () => {
    nats = await natsTestEnv({ consumers: CONSUMERS });
    pg = await pgTestEnv();
    ds = createDataSource({ url: pg.url, poolSize: 10 });
    await ds.initialize();
    await ds.query('CREATE TABLE part_applied (event_id text PRIMARY KEY, session_id text NOT NULL, seq bigint NOT NULL, in_order boolean NOT NULL)');
    store = new EventStore(nats.nc, nats.topology);
  });

  afterAll(async () => {
    for (const r of running.values()) await r.stop();
    await ds?.destroy();
    await nats?.cleanup();
    await pg?.cleanup();
  });

  it('one replica leads every partition; a second one gets half; each session stays in order; the survivor takes all back', async () => {
    // The 40 sessions fall in every partition.
    expect(new Set(Array.from({ length: 40 }, (_, i) => partitionOf('acme', `s-${i}`, PARTITIONS))).size).toBe(PARTITIONS);
    await start('replica-a');
    await eventually(async () => (await leaders())['replica-a'] === 4, { what: 'a leads all four partitions' });

    await start('replica-b');
    await eventually(async () => {
      const l = await leaders();
      return l['replica-a'] === 2 && l['replica-b'] === 2;
    }, { what: 'a and b lead two partitions each', timeoutMs: 20_000 });

    await append(0, 400);
    await eventually(async () => (await total()) === 400, { what: '400 applied' });
    const [check] = await ds.query('SELECT count(DISTINCT event_id)::int AS distinct_events, bool_and(in_order) AS in_order FROM part_applied');
    expect(check).toEqual({ distinct_events: 400, in_order: true });
    // Each partition's checkpoint belongs to the replica that applied it.
    expect(Object.values(await leaders()).sort()).toEqual([2, 2]);

    await running.get('replica-b')!.stop();
    running.delete('replica-b');
    await eventually(async () => (await leaders())['replica-a'] === 4, { what: 'a leads all four again', timeoutMs: 20_000 });
    await append(400, 480);
    await eventually(async () => (await total()) === 480, { what: 'all 480 applied' });
    const [after] = await ds.query('SELECT count(DISTINCT event_id)::int AS distinct_events, count(*)::int AS n FROM part_applied');
    expect(after).toEqual({ distinct_events: 480, n: 480 });
    const dead = await jetstreamManager(nats.nc).then((j) => j.streams.info(nats.topology.streamName('deadletter')));
    expect(dead.state.messages).toBe(0);
  });
});

import { jetstreamManager } from '@nats-io/jetstream';
import { sessionEventSchema, type SessionEvent } from '@reverie/contracts';
import { createDataSource } from '@reverie/persistence';
import { eventually, natsTestEnv, pgTestEnv, type NatsTestEnv, type PgTestEnv, userMessage } from '@reverie/testing';
import type { DataSource, EntityManager } from 'typeorm';
import { EventStore } from './event-store';
import type { RunningConsumer } from './consumer-runner';
import { runLeasedProjection } from './leased-projection';
import type { Projection } from './projection-runner';

/** A short ack wait: what the client pulled but had not read when a leader stopped comes back soon. */
const CONSUMER = { stream: 'sessions' as const, app: 'test', purpose: 'leased-projection', ackWaitSeconds: 2 };

jest.setTimeout(60_000);

const message = (i: number): SessionEvent => userMessage(i, 5);

describe('a projection run by two replicas: one applies it at a time, in order, and the other takes over, still in order (real NATS and Postgres)', () => {
  let nats: NatsTestEnv;
  let pg: PgTestEnv;
  let ds: DataSource;
  let store: EventStore;
  const running: RunningConsumer[] = [];
  const roles: string[] = [];

  /** Records who applied each event, and any event applied out of its session's order. */
  const projection: Projection<SessionEvent> = {
    name: 'leased-test',
    async apply(manager: EntityManager, events) {
      const [{ replica }] = await manager.query(`SELECT lease_owner AS replica FROM projection_checkpoints WHERE projection = 'leased-test'`);
      for (const { event, seq } of events) {
        const [{ last }] = await manager.query('SELECT coalesce(max(seq), 0)::int AS last FROM leased_applied WHERE session_id = $1', [event.streamId]);
        await manager.query('INSERT INTO leased_applied (event_id, session_id, seq, replica, in_order) VALUES ($1, $2, $3, $4, $5)', [event.id, event.streamId, seq, replica, seq > last]);
      }
    },
  };
  const start = async (owner: string) => {
    const r = await runLeasedProjection({
      store, dataSource: ds, stream: 'sessions', durable: nats.topology.consumerName(CONSUMER.app, CONSUMER.purpose), parser: sessionEventSchema, projection, batchSize: 20,
      lease: { owner, ttlMs: 1500 }, retryMs: 200, onRole: (role) => roles.push(`${owner}:${role}`),
    });
    running.push(r);
    return r;
  };
  const append = async (from: number, to: number) => {
    for (let i = from; i < to; i++) await store.append('sessions', message(i));
  };
  const applied = async () => (await ds.query('SELECT replica, count(*)::int AS n, bool_and(in_order) AS in_order, count(DISTINCT event_id)::int AS distinct_events FROM leased_applied GROUP BY replica ORDER BY replica')) as { replica: string; n: number; in_order: boolean; distinct_events: number }[];
  const total = async () => Number((await ds.query('SELECT count(*)::int AS n FROM leased_applied'))[0].n);

  beforeAll(async () => {
    nats = await natsTestEnv({ consumers: [CONSUMER] });
    pg = await pgTestEnv();
    ds = createDataSource({ url: pg.url, poolSize: 6 });
    await ds.initialize();
    await ds.query('CREATE TABLE leased_applied (event_id text PRIMARY KEY, session_id text NOT NULL, seq bigint NOT NULL, replica text, in_order boolean NOT NULL)');
    store = new EventStore(nats.nc, nats.topology);
  });

  afterAll(async () => {
    for (const r of running) await r.stop();
    await ds?.destroy();
    await nats?.cleanup();
    await pg?.cleanup();
  });

  it('applies with one replica while the other stands by; a stopped leader hands over; a leader whose lease was taken stops writing', async () => {
    const a = await start('replica-a');
    await eventually(() => roles.includes('replica-a:leader'), { what: 'a leads' });
    await start('replica-b');
    await eventually(() => roles.includes('replica-b:standby'), { what: 'b stands by' });

    await append(0, 150);
    await eventually(async () => (await total()) === 150, { what: '150 applied' });
    expect(await applied()).toEqual([{ replica: 'replica-a', n: 150, in_order: true, distinct_events: 150 }]);

    // The leader stops (a rolling update): it gives the lease up and b takes over at its next try.
    await a.stop();
    await eventually(() => roles.includes('replica-b:leader'), { what: 'b leads', timeoutMs: 3000 });
    await append(150, 300);
    await eventually(async () => (await total()) === 300, { what: '300 applied' });

    // Another replica takes the lease (b was paused past its expiry, say): b's next commit is
    // refused, its batch handed back, and nothing is applied until the lease is b's again.
    await ds.query(`UPDATE projection_checkpoints SET lease_owner = 'replica-c', lease_until = now() + interval '1 hour' WHERE projection = 'leased-test'`);
    await append(300, 340);
    await eventually(() => roles.filter((r) => r === 'replica-b:standby').length >= 2, { what: 'b stands by again' });
    await new Promise((r) => setTimeout(r, 500));
    expect(await total()).toBe(300);
    await ds.query(`UPDATE projection_checkpoints SET lease_owner = NULL, lease_until = NULL WHERE projection = 'leased-test'`);
    await eventually(async () => (await total()) === 340, { what: 'the rest applied once b leads again' });

    const byReplica = await applied();
    expect(byReplica.map((r) => r.replica)).toEqual(['replica-a', 'replica-b']);
    // Each session's events are applied in stream order, across both hand-overs too: without the
    // lease, two replicas pulling from one durable interleave batches; without the rewind at each
    // start, what was in flight at a hand-over came back after the ack wait, behind newer events.
    expect(byReplica).toMatchObject([{ replica: 'replica-a', in_order: true }, { replica: 'replica-b', in_order: true }]);
    expect(byReplica.every((r) => r.n === r.distinct_events)).toBe(true);
    expect(byReplica.reduce((n, r) => n + r.n, 0)).toBe(340);
    const dead = await jetstreamManager(nats.nc).then((j) => j.streams.info(nats.topology.streamName('deadletter')));
    expect(dead.state.messages).toBe(0);
  });

  it('keeps each session in order when the lease is taken from a leader still running (it paused past its lease) under a steady stream', async () => {
    for (const r of running.splice(0)) await r.stop();
    await start('replica-c');
    await eventually(() => roles.includes('replica-c:leader'), { what: 'c leads' });
    await start('replica-d');
    await eventually(() => roles.includes('replica-d:standby'), { what: 'd stands by' });

    // Events keep coming; a third of the way in, d is given the lease while c is mid-stream.
    const before = await total();
    const appending = append(before, before + 300);
    await eventually(async () => (await total()) >= before + 100, { what: 'c applying' });
    await ds.query(`UPDATE projection_checkpoints SET lease_owner = 'replica-d', lease_until = now() + interval '1 hour' WHERE projection = 'leased-test'`);
    await appending;
    await eventually(async () => (await total()) === before + 300, { what: 'all applied', timeoutMs: 20_000 });

    expect(roles).toEqual(expect.arrayContaining(['replica-d:leader']));
    const rows = await applied();
    expect(rows.find((r) => r.replica === 'replica-d')?.n).toBeGreaterThan(0);
    expect(rows.every((r) => r.in_order && r.n === r.distinct_events)).toBe(true);
    expect(rows.reduce((n, r) => n + r.n, 0)).toBe(before + 300);
  });
});

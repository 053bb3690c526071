import { jetstream } from '@nats-io/jetstream';
import { headers } from '@nats-io/transport-node';
import { newId, sessionEventSchema, type SessionEvent } from '@reverie/contracts';
import { natsTestEnv, pgTestEnv, eventually, type NatsTestEnv, type PgTestEnv } from '@reverie/testing';
import { createDataSource } from '@reverie/persistence';
import type { DataSource } from 'typeorm';
import { EventStore } from './event-store';
import { ConcurrencyError, PoisonMessageError } from './errors';
import { runConsumer } from './consumer-runner';
import { runProjection, type Projection } from './projection-runner';
import { rebuildProjection, replay } from './replay';
import { encodeEvent } from './codec';

const CONSUMER = { stream: 'sessions' as const, app: 'test', purpose: 'worker', ackWaitSeconds: 2, maxDeliver: 5 };
const PROJECTION_CONSUMER = { stream: 'sessions' as const, app: 'test', purpose: 'projection', ackWaitSeconds: 2, maxDeliver: 5 };

function userMessage(sessionId: string, seq: number, text = `message ${seq}`): SessionEvent {
  return {
    id: newId(), type: 'UserMessageRecorded', schemaVersion: 1, tenantId: 'acme', streamId: sessionId,
    occurredAt: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(), recordedAt: new Date().toISOString(),
    actor: { kind: 'user', id: 'u1' }, correlationId: sessionId, data: { seq, text },
  };
}

let nats: NatsTestEnv;
let store: EventStore;

beforeEach(async () => {
  nats = await natsTestEnv({ consumers: [CONSUMER, PROJECTION_CONSUMER] });
  store = new EventStore(nats.nc, nats.topology);
});
afterEach(async () => nats.cleanup());

describe('append', () => {
  it('never lets one tenant suppress another tenant\'s events by reusing their ids', async () => {
    const mine = userMessage('s1', 0, 'mine');
    const theirs = { ...mine, tenantId: 'globex', data: { seq: 0, text: 'theirs' } };
    const first = await store.append('sessions', mine);
    const [other] = await store.appendMany('sessions', [theirs]);
    expect(first.duplicate).toBe(false);
    expect(other.duplicate).toBe(false);
    expect((await store.readAggregate('sessions', 'acme', 's1')).events.map((e) => (e.event as SessionEvent).data)).toEqual([{ seq: 0, text: 'mine' }]);
    expect((await store.readAggregate('sessions', 'globex', 's1')).events.map((e) => (e.event as SessionEvent).data)).toEqual([{ seq: 0, text: 'theirs' }]);
    // Within one tenant the id still deduplicates, through either path.
    expect((await store.appendMany('sessions', [theirs]))[0].duplicate).toBe(true);
  });

  it('drops a duplicate publish of the same event id', async () => {
    const e = userMessage('s1', 0);
    const first = await store.append('sessions', e);
    const again = await store.append('sessions', e);
    expect(first.duplicate).toBe(false);
    expect(again).toEqual({ seq: first.seq, duplicate: true });
    const { events } = await store.readAggregate('sessions', 'acme', 's1');
    expect(events.map((s) => s.event.id)).toEqual([e.id]);
  });

  it('lets exactly one of two concurrent appends at the same expected sequence win', async () => {
    const { lastSeq } = await store.readAggregate('sessions', 'acme', 's2');
    expect(lastSeq).toBe(0);
    const results = await Promise.allSettled([
      store.append('sessions', userMessage('s2', 0, 'writer A'), { expectedLastSubjectSeq: 0 }),
      store.append('sessions', userMessage('s2', 0, 'writer B'), { expectedLastSubjectSeq: 0 }),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0].reason).toBeInstanceOf(ConcurrencyError);
    const { events } = await store.readAggregate('sessions', 'acme', 's2');
    expect(events).toHaveLength(1);
  });

  it('appends many events pipelined, keeping their order in the results', async () => {
    const events = Array.from({ length: 300 }, (_, i) => userMessage(`s${i % 7}`, i));
    const results = await store.appendMany('sessions', events, 64);
    expect(results.every((r) => !r.duplicate)).toBe(true);
    expect(new Set(results.map((r) => r.seq)).size).toBe(300);
    const replayed: string[] = [];
    for await (const batch of replay(store, 'sessions', sessionEventSchema)) replayed.push(...batch.map((b) => b.event.id));
    expect(new Set(replayed)).toEqual(new Set(events.map((e) => e.id)));
  });
});

describe('durable consumer', () => {
  it('dead-letters a poison message and still processes the next one', async () => {
    const subject = nats.topology.subject('sessions', 'acme', 's3');
    await jetstream(nats.nc).publish(subject, new TextEncoder().encode('{not json'));
    await store.append('sessions', { ...userMessage('s3', 1), data: { seq: 1, text: 'invalid' } , type: 'ToolResultRecorded' } as never);
    const good = userMessage('s3', 2);
    await store.append('sessions', good);
    const handled: string[] = [];
    const consumer = await runConsumer({
      store, stream: 'sessions', durable: nats.topology.consumerName('test', 'worker'), parser: sessionEventSchema,
      handle: async ({ event }) => { handled.push(event.id); },
    });
    await eventually(() => handled.length === 1, { what: 'the good message' });
    // Terminated for good: nothing left pending, the ack floor past both poison messages.
    const worker = await jetstream(nats.nc).consumers.get(nats.topology.streamName('sessions'), nats.topology.consumerName('test', 'worker'));
    await eventually(async () => (await worker.info()).num_ack_pending === 0, { what: 'nothing pending' });
    expect((await worker.info()).ack_floor.stream_seq).toBe((await worker.info()).delivered.stream_seq);
    await consumer.stop();
    expect(handled).toEqual([good.id]);
    const dead = await deadLetters();
    expect(dead.map((d) => d.reason)).toEqual([expect.stringMatching(/unparseable/), expect.stringMatching(/invalid event/)]);
  });

  it('retries a transient failure with backoff and dead-letters a handler-declared poison event', async () => {
    const flaky = userMessage('s4', 0);
    const poison = userMessage('s4', 1);
    const after = userMessage('s4', 2);
    await store.appendMany('sessions', [flaky, poison, after], 1);
    let failures = 0;
    const handled: string[] = [];
    const consumer = await runConsumer({
      store, stream: 'sessions', durable: nats.topology.consumerName('test', 'worker'), parser: sessionEventSchema,
      backoffMs: () => 50,
      handle: async ({ event }, delivery) => {
        if (event.id === flaky.id && failures < 2) { failures++; throw new Error(`db unavailable (delivery ${delivery.count})`); }
        if (event.id === poison.id) throw new PoisonMessageError('violates an invariant');
        handled.push(event.id);
      },
    });
    await eventually(() => handled.length === 2, { what: 'flaky and after' });
    await consumer.stop();
    expect(failures).toBe(2);
    expect(new Set(handled)).toEqual(new Set([flaky.id, after.id]));
    expect((await deadLetters()).map((d) => d.reason)).toEqual(['violates an invariant']);
  });
});

describe('projection runner', () => {
  let pg: PgTestEnv;
  let ds: DataSource;
  beforeEach(async () => {
    pg = await pgTestEnv();
    ds = createDataSource({ url: pg.url, poolSize: 3 });
    await ds.initialize();
    await ds.query(`CREATE TABLE t_message_counts (session_id text PRIMARY KEY, applied integer NOT NULL)`);
    await ds.query(`CREATE TABLE t_seen (event_id text PRIMARY KEY)`);
  });
  afterEach(async () => { await ds.destroy(); await pg.cleanup(); });

  // With `dedupById`, idempotent by event id (t_seen) for duplicates beyond the dedup window.
  // Without it, `applied` counts every application, so only the checkpoint prevents double effects.
  const countingProjection = (dedupById: boolean): Projection<SessionEvent> => ({
    name: 'test-message-counts',
    async apply(manager, events) {
      for (const { event } of events) {
        if (dedupById) {
          const inserted = await manager.query(`INSERT INTO t_seen (event_id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING event_id`, [event.id]);
          if (!inserted.length) continue;
        }
        await manager.query(`INSERT INTO t_message_counts (session_id, applied) VALUES ($1, 1)
          ON CONFLICT (session_id) DO UPDATE SET applied = t_message_counts.applied + 1`, [event.streamId]);
      }
    },
  });
  const projection = countingProjection(true);
  const counts = async () => Object.fromEntries((await ds.query(`SELECT session_id, applied FROM t_message_counts ORDER BY 1`)).map((r: { session_id: string; applied: number }) => [r.session_id, r.applied]));
  const checkpoint = async () => Number((await ds.query(`SELECT last_seq FROM projection_checkpoints WHERE projection = $1`, [projection.name]))[0]?.last_seq ?? 0);
  const settled = async () => {
    const c = await jetstream(nats.nc).consumers.get(nats.topology.streamName('sessions'), nats.topology.consumerName('test', 'projection'));
    const info = await c.info();
    return info.num_pending === 0 && info.num_ack_pending === 0;
  };
  const start = (extra: Partial<Parameters<typeof runProjection>[0]> = {}) => runProjection({
    store, dataSource: ds, stream: 'sessions', durable: nats.topology.consumerName('test', 'projection'),
    parser: sessionEventSchema, projection, batchSize: 10, backoffMs: () => 20, ...extra,
  });

  it('ends with the same rows when fed every event twice', async () => {
    const events = Array.from({ length: 40 }, (_, i) => userMessage(`p${i % 4}`, i));
    for (const e of events) {
      await store.append('sessions', e);
      // The same event again under another message id: JetStream keeps both, as it would past the dedup window.
      const h = headers();
      await jetstream(nats.nc).publish(store.subjectOf('sessions', e), encodeEvent(e), { msgID: `${e.id}-again`, headers: h });
    }
    const runner = await start();
    await eventually(async () => (await checkpoint()) === 80 && (await settled()), { what: 'checkpoint at 80' });
    await runner.stop();
    expect(await counts()).toEqual({ p0: 10, p1: 10, p2: 10, p3: 10 });
  });

  it('commits a partial batch once messages stop coming, even when none says the consumer caught up', async () => {
    const events = Array.from({ length: 25 }, (_, i) => userMessage(`z${i % 5}`, i));
    await store.appendMany('sessions', events, 16);
    // As seen under load: the server reported pending > 0 on the final messages, so only the idle
    // commit can take the last partial batch before the ack wait redelivers it.
    const runner = await start({ batchSize: 10, caughtUp: () => false, idleCommitMs: 25 });
    await eventually(async () => (await checkpoint()) === 25 && (await settled()), { what: 'every message committed and acked', timeoutMs: 1500 });
    await runner.stop();
    expect(await counts()).toEqual({ z0: 5, z1: 5, z2: 5, z3: 5, z4: 5 });
  });

  it('resumes after a stop mid-batch and a crash between commit and ack with nothing lost or applied twice', async () => {
    const events = Array.from({ length: 100 }, (_, i) => userMessage(`q${i % 5}`, i));
    await store.appendMany('sessions', events, 16);
    let crashed = false;
    // First runner: crashes once after a commit (acks never sent), and is stopped mid-stream.
    let committedBatches = 0;
    // The third commit holds the runner until it is being stopped, so the stop always comes mid-stream.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => { release = resolve; });
    const first = await start({
      projection: countingProjection(false),
      afterCommit: async () => {
        committedBatches++;
        if (!crashed) { crashed = true; throw new Error('process died after commit'); }
        if (committedBatches === 3) await held;
      },
    });
    await eventually(() => committedBatches >= 3, { what: 'a few batches' });
    const stopping = first.stop();
    release();
    await stopping;
    expect(await checkpoint()).toBeLessThan(100);
    const second = await start({ projection: countingProjection(false) });
    // Messages the first runner had fetched but not handled come first: the second one rewinds the durable to them.
    await eventually(async () => (await checkpoint()) === 100 && (await settled()), { what: 'every message acked', timeoutMs: 20000 });
    await second.stop();
    expect(await counts()).toEqual({ q0: 20, q1: 20, q2: 20, q3: 20, q4: 20 });
  });

  it('skips sequence claims for a projection idempotent by event id, still applying each event once across a crash', async () => {
    const events = Array.from({ length: 60 }, (_, i) => userMessage(`i${i % 3}`, i));
    await store.appendMany('sessions', events, 16);
    const byId = { ...countingProjection(true), idempotentByEventId: true };
    let crashed = false;
    let committed = 0;
    const first = await start({
      projection: byId,
      afterCommit: async () => {
        committed++;
        if (!crashed) { crashed = true; throw new Error('process died after commit'); }
      },
    });
    await eventually(() => committed >= 2, { what: 'two batches' });
    await first.stop();
    const second = await start({ projection: byId });
    await eventually(async () => (await checkpoint()) === 60 && (await settled()), { what: 'every message acked', timeoutMs: 20000 });
    await second.stop();
    expect(await counts()).toEqual({ i0: 20, i1: 20, i2: 20 });
    expect(await ds.query(`SELECT count(*)::int AS n FROM projection_applied WHERE projection = $1`, [byId.name])).toEqual([{ n: 0 }]);
  });

  it('rebuilds a projection from the log through replay', async () => {
    const events = Array.from({ length: 25 }, (_, i) => userMessage(`r${i % 5}`, i));
    await store.appendMany('sessions', events, 8);
    const result = await rebuildProjection({
      store, dataSource: ds, stream: 'sessions', parser: sessionEventSchema, projection,
      reset: async (m) => { await m.query('DELETE FROM t_message_counts'); await m.query('DELETE FROM t_seen'); },
    });
    expect(result.events).toBe(25);
    expect(await counts()).toEqual({ r0: 5, r1: 5, r2: 5, r3: 5, r4: 5 });
    expect(await checkpoint()).toBe(result.lastSeq);
  });
});

async function deadLetters(): Promise<{ reason: string; seq: string }[]> {
  const out: { reason: string; seq: string }[] = [];
  const c = await jetstream(nats.nc).consumers.get(nats.topology.streamName('deadletter'));
  const info = await c.info();
  if (!info.num_pending) return out;
  const msgs = await c.consume();
  for await (const m of msgs) {
    out.push({ reason: m.headers?.get('Reverie-Reason') ?? '', seq: m.headers?.get('Reverie-Original-Seq') ?? '' });
    if (m.info.pending === 0) break;
  }
  await msgs.close();
  return out;
}

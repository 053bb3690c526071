import { connect } from '@nats-io/transport-node';
import { DeliverPolicy, jetstreamManager } from '@nats-io/jetstream';
import { sessionEventSchema, type SessionEvent } from '@reverie/contracts';
import { createDataSource } from '@reverie/persistence';
import { eventually, natsTestEnv, pgTestEnv, TEST_NATS_URL, TEST_RETENTION, userMessage, type NatsTestEnv, type PgTestEnv } from '@reverie/testing';
import type { DataSource, EntityManager } from 'typeorm';
import { pruneClaims } from './checkpoint';
import { EventStore } from './event-store';
import { provisionStreams } from './provisioning';
import { runProjection, type Projection } from './projection-runner';

/**
 * The ack wait is long on purpose (60 s, longer than any wait below): a message an earlier reader
 * left unacknowledged reaches the projection in time only because the durable was rewound.
 */
const ACK_WAIT_SECONDS = 60;

jest.setTimeout(60_000);

describe('a projection starts its durable again at the first unacknowledged message: in stream order after a crash (real NATS and Postgres)', () => {
  let nats: NatsTestEnv;
  let pg: PgTestEnv;
  let ds: DataSource;
  let store: EventStore;
  let run = 0;
  let spec: { stream: 'sessions'; app: string; purpose: string; ackWaitSeconds: number };
  let durable: string;
  let name: string;

  /** Records each application: a second one of an event, or one behind a later event of its session, shows. */
  const projection = (): Projection<SessionEvent> => ({
    name,
    async apply(manager: EntityManager, events) {
      for (const { event, seq } of events) {
        const [{ last }] = await manager.query('SELECT coalesce(max(seq), 0)::int AS last FROM rewind_applied WHERE projection = $1 AND session_id = $2', [name, event.streamId]);
        await manager.query('INSERT INTO rewind_applied (projection, event_id, session_id, seq, in_order) VALUES ($1, $2, $3, $4, $5)', [name, event.id, event.streamId, seq, seq > last]);
      }
    },
  });
  const applied = async () => (await ds.query(
    'SELECT count(*)::int AS n, count(DISTINCT event_id)::int AS distinct_events, coalesce(bool_and(in_order), true) AS in_order FROM rewind_applied WHERE projection = $1', [name],
  ))[0] as { n: number; distinct_events: number; in_order: boolean };
  const start = (on: EventStore, extra: { afterCommit?: (last: number) => Promise<void> } = {}) =>
    runProjection({ store: on, dataSource: ds, stream: 'sessions', durable, parser: sessionEventSchema, projection: projection(), batchSize: 10, ...extra });
  const append = async (from: number, to: number) => {
    for (let i = from; i < to; i++) await store.append('sessions', userMessage(i, 4));
  };
  const consumerInfo = async () => (await jetstreamManager(nats.nc)).consumers.info(nats.topology.streamName('sessions'), durable);

  beforeAll(async () => {
    pg = await pgTestEnv();
    ds = createDataSource({ url: pg.url, poolSize: 4 });
    await ds.initialize();
    await ds.query('CREATE TABLE rewind_applied (projection text NOT NULL, event_id text NOT NULL, session_id text NOT NULL, seq bigint NOT NULL, in_order boolean NOT NULL, PRIMARY KEY (projection, event_id))');
  });

  beforeEach(async () => {
    // Each test its own streams (a durable starts at the stream's first message) and projection.
    run++;
    spec = { stream: 'sessions', app: 'test', purpose: 'rewind', ackWaitSeconds: ACK_WAIT_SECONDS };
    nats = await natsTestEnv({ consumers: [spec] });
    store = new EventStore(nats.nc, nats.topology);
    durable = nats.topology.consumerName(spec.app, spec.purpose);
    name = `rewind-test-${run}`;
  });

  afterEach(async () => {
    await nats?.cleanup();
  });

  afterAll(async () => {
    await ds?.destroy();
    await pg?.cleanup();
  });

  it('after a reader died holding unacknowledged messages, applies them first and the rest in order, each once', async () => {
    await append(0, 20);
    const first = await start(store);
    await eventually(async () => (await applied()).n === 20, { what: '20 applied' });
    await first.stop();

    // A second reader takes 15 messages and dies without acknowledging them (kill -9: its connection just ends).
    await append(20, 60);
    const doomed = await connect({ servers: TEST_NATS_URL, noAsyncTraces: true });
    const taken = await (await new EventStore(doomed, nats.topology).js.consumers.get(nats.topology.streamName('sessions'), durable)).fetch({ max_messages: 15 });
    let held = 0;
    for await (const _ of taken) held++;
    expect(held).toBe(15);
    await doomed.close();
    expect(await consumerInfo()).toMatchObject({ num_ack_pending: 15, ack_floor: { stream_seq: expect.any(Number) } });

    const second = await start(store);
    await eventually(async () => (await applied()).n === 60, { what: 'all 60 applied (the 15 come back at once, not after the 60 s ack wait)', timeoutMs: 20_000 });
    await eventually(async () => (await consumerInfo()).num_ack_pending === 0, { what: 'everything acknowledged' });
    await second.stop();
    expect(await applied()).toEqual({ n: 60, distinct_events: 60, in_order: true });
    expect(await ds.query('SELECT rewind FROM projection_checkpoints WHERE projection = $1', [name])).toEqual([{ rewind: null }]);
  });

  it('after a runner died between a commit and its acknowledgements, applies nothing twice and keeps each session in order', async () => {
    await append(0, 40);
    // The first runner's connection ends right after its third commit: three batches are in Postgres, their acks never sent.
    const dying = await connect({ servers: TEST_NATS_URL, noAsyncTraces: true });
    let commits = 0;
    const first = await start(new EventStore(dying, nats.topology), {
      afterCommit: async () => {
        if (++commits === 3) { await dying.close(); throw new Error('process died after commit'); }
      },
    });
    await first.done.catch(() => undefined);
    await append(40, 70);

    const second = await start(store);
    await eventually(async () => (await applied()).n === 70, { what: 'all 70 applied', timeoutMs: 20_000 });
    await eventually(async () => (await consumerInfo()).num_ack_pending === 0, { what: 'everything acknowledged' });
    await second.stop();
    expect(await applied()).toEqual({ n: 70, distinct_events: 70, in_order: true });
  });

  it('finishes a rewind cut short, even when `reverie setup` created the durable again from the stream start meanwhile', async () => {
    await append(0, 30);
    const first = await start(store);
    await eventually(async () => (await consumerInfo()).ack_floor.stream_seq > 0 && (await consumerInfo()).num_pending === 0 && (await applied()).n === 30, { what: '30 applied and acknowledged' });
    await first.stop();
    const floor = (await consumerInfo()).ack_floor.stream_seq;
    // Claims below the ack floor are forgotten (as the runner prunes them): a redelivery of those would apply again.
    await ds.transaction((m) => pruneClaims(m, name, floor));

    // A rewind was written down and the durable deleted; the process died before creating it again.
    const info = await consumerInfo();
    const record = { from: floor + 1, config: { ...info.config, deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: floor + 1 } };
    await ds.query('UPDATE projection_checkpoints SET rewind = $2 WHERE projection = $1', [name, JSON.stringify(record)]);
    const jsm = await jetstreamManager(nats.nc);
    await jsm.consumers.delete(nats.topology.streamName('sessions'), durable);
    // Then `reverie setup` ran: the durable is back, delivering from the stream's first message.
    await provisionStreams(nats.nc, nats.topology, { consumers: [spec], retention: TEST_RETENTION });
    expect((await consumerInfo()).config.deliver_policy).toBe(DeliverPolicy.All);

    await append(30, 45);
    const second = await start(store);
    await eventually(async () => (await applied()).n >= 45 && (await consumerInfo()).num_pending === 0 && (await consumerInfo()).num_ack_pending === 0, { what: 'the 15 new ones applied' });
    await second.stop();
    expect(await applied()).toEqual({ n: 45, distinct_events: 45, in_order: true });
    expect((await consumerInfo()).config).toMatchObject({ deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: floor + 1 });
    expect(await ds.query('SELECT rewind FROM projection_checkpoints WHERE projection = $1', [name])).toEqual([{ rewind: null }]);
  });

  it('lets `reverie setup` update a rewound durable without moving where it starts', async () => {
    await append(0, 10);
    const doomed = await connect({ servers: TEST_NATS_URL, noAsyncTraces: true });
    const taken = await (await new EventStore(doomed, nats.topology).js.consumers.get(nats.topology.streamName('sessions'), durable)).fetch({ max_messages: 4 });
    for await (const _ of taken) { /* held, never acknowledged */ }
    await doomed.close();
    const runner = await start(store);
    await eventually(async () => (await applied()).n === 10, { what: '10 applied' });
    await runner.stop();
    const rewoundAt = (await consumerInfo()).config.opt_start_seq;
    expect(rewoundAt).toBeGreaterThan(0);

    const report = await provisionStreams(nats.nc, nats.topology, { consumers: [{ ...spec, maxDeliver: 7 }], retention: TEST_RETENTION });
    expect(report.consumers).toEqual([{ stream: nats.topology.streamName('sessions'), name: durable, action: 'updated' }]);
    expect((await consumerInfo()).config).toMatchObject({ deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: rewoundAt, max_deliver: 7 });
  });
});

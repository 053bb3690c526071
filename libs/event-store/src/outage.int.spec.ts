import { sessionEventSchema, type SessionEvent } from '@reverie/contracts';
import { createDataSource } from '@reverie/persistence';
import { eventually, natsTestEnv, pgTestEnv, tcpProxy, type NatsTestEnv, type PgTestEnv, type TcpProxy, userMessage } from '@reverie/testing';
import type { DataSource, EntityManager } from 'typeorm';
import { runConsumer } from './consumer-runner';
import { EventStore } from './event-store';
import { runProjection, type Projection } from './projection-runner';
import { jetstreamManager } from '@nats-io/jetstream';

/** A short ack wait and few deliveries: without holding, an outage of a few seconds would use them all up. */
const PROJECTION = { stream: 'sessions' as const, app: 'test', purpose: 'outage-projection', ackWaitSeconds: 1, maxDeliver: 3 };
const WORKER = { stream: 'sessions' as const, app: 'test', purpose: 'outage-worker', ackWaitSeconds: 1, maxDeliver: 3 };
const OUTAGE_MS = 6000;

jest.setTimeout(60_000);

const message = (i: number): SessionEvent => userMessage(i, 3);

describe('a Postgres outage (the real Postgres behind a TCP proxy that is cut): nothing dead-lettered, nothing lost, nothing applied twice', () => {
  let nats: NatsTestEnv;
  let pg: PgTestEnv;
  let proxy: TcpProxy;
  let ds: DataSource;
  let direct: DataSource;

  beforeAll(async () => {
    nats = await natsTestEnv({ consumers: [PROJECTION, WORKER] });
    pg = await pgTestEnv();
    proxy = await tcpProxy({ host: '127.0.0.1', port: Number(new URL(pg.url).port || 5432) });
    const through = new URL(pg.url);
    through.hostname = '127.0.0.1';
    through.port = String(proxy.port);
    ds = createDataSource({ url: through.toString(), poolSize: 2 });
    await ds.initialize();
    direct = createDataSource({ url: pg.url, poolSize: 1 });
    await direct.initialize();
    await direct.query('CREATE TABLE outage_applied (event_id text PRIMARY KEY, seq bigint NOT NULL, times integer NOT NULL DEFAULT 1)');
    await direct.query('CREATE TABLE outage_handled (event_id text PRIMARY KEY, times integer NOT NULL DEFAULT 1)');
  });

  afterAll(async () => {
    await ds?.destroy().catch(() => undefined);
    await direct?.destroy();
    await proxy?.close();
    await nats?.cleanup();
    await pg?.cleanup();
  });

  it('holds what it read while Postgres is away, for longer than the deliveries would last, and applies everything once it is back', async () => {
    const store = new EventStore(nats.nc, nats.topology);
    const projection: Projection<SessionEvent> = {
      name: 'outage-test',
      async apply(manager: EntityManager, events) {
        for (const { event, seq } of events) {
          await manager.query('INSERT INTO outage_applied (event_id, seq) VALUES ($1, $2) ON CONFLICT (event_id) DO UPDATE SET times = outage_applied.times + 1', [event.id, seq]);
        }
      },
    };
    const projector = await runProjection({ store, dataSource: ds, stream: 'sessions', durable: nats.topology.consumerName('test', 'outage-projection'), parser: sessionEventSchema, projection, backoffMs: () => 500 });
    const worker = await runConsumer({
      store, stream: 'sessions', durable: nats.topology.consumerName('test', 'outage-worker'), parser: sessionEventSchema, backoffMs: () => 500,
      handle: async ({ event }) => { await ds.query('INSERT INTO outage_handled (event_id) VALUES ($1) ON CONFLICT (event_id) DO UPDATE SET times = outage_handled.times + 1', [event.id]); },
    });
    const count = async (table: string) => Number((await direct.query(`SELECT count(*) AS n FROM ${table}`))[0].n);
    try {
      const before = Array.from({ length: 10 }, (_, i) => message(i));
      for (const e of before) await store.append('sessions', e);
      await eventually(async () => (await count('outage_applied')) === 10 && (await count('outage_handled')) === 10, { what: 'the first ten applied' });

      proxy.cut();
      const during = Array.from({ length: 10 }, (_, i) => message(10 + i));
      for (const e of during) await store.append('sessions', e);
      // Longer than ackWait × maxDeliver: a runner that counted these failures would have given up.
      await new Promise((r) => setTimeout(r, OUTAGE_MS));
      expect(await count('outage_applied')).toBe(10);
      proxy.restore();

      await eventually(async () => (await count('outage_applied')) === 20 && (await count('outage_handled')) === 20, { what: 'everything applied after the outage', timeoutMs: 30_000 });
      expect(await direct.query('SELECT event_id FROM outage_applied WHERE times > 1')).toEqual([]);
      const deadletter = await jetstreamManager(nats.nc).then((jsm) => jsm.streams.info(nats.topology.streamName('deadletter')));
      expect(deadletter.state.messages).toBe(0);
    } finally {
      await projector.stop();
      await worker.stop();
    }
  });
});

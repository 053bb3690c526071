/**
 * Health that tells the truth (issue 14 item 2), on a real service: when a consumer loop dies (its
 * durable consumer is deleted under it), readiness says so, naming it, while liveness stays up;
 * the supervisor restarts the loop with backoff, and once the durable is back the service is ready
 * again and projects what arrived meanwhile.
 */
import { CONSUMERS, EventStore, provisionStreams } from '@reverie/event-store';
import type { ServiceHandle } from '@reverie/service-kit';
import { eventually, natsTestEnv, operatorKeys, pgTestEnv, TEST_RETENTION, type NatsTestEnv, type PgTestEnv } from '@reverie/testing';
import { Client } from 'pg';
import { createApp } from '../apps/agent-serving/src/app.factory';
import { loadServingConfig } from '../apps/agent-serving/src/config/serving.config';
import { lessonsServedEvent } from '../apps/agent-serving/src/lessons/served-lessons';
import { jetstreamManager } from '@nats-io/jetstream';

jest.setTimeout(90_000);

const { REVERIE_API_KEYS } = operatorKeys({ agent: { tenant: 'acme', roles: 'agent' } });

describe('consumer supervision and readiness (agent-serving, real NATS and Postgres)', () => {
  let nats: NatsTestEnv;
  let pg: PgTestEnv;
  let serving: ServiceHandle;
  let db: Client;

  beforeAll(async () => {
    nats = await natsTestEnv({ consumers: CONSUMERS });
    pg = await pgTestEnv();
    serving = await createApp(loadServingConfig({ NATS_URL: 'nats://127.0.0.1:4222', DATABASE_URL: pg.url, REVERIE_NAMESPACE: nats.topology.namespace, PORT: '0', LOG_LEVEL: 'silent', REVERIE_API_KEYS }), { handleSignals: false });
    db = new Client({ connectionString: pg.url });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await serving?.shutdown();
    await nats?.cleanup();
    await pg?.cleanup();
  });

  const health = async (path: string) => {
    const res = await fetch(`${serving.url}${path}`);
    return { status: res.status, body: (await res.json()) as { status: string; checks?: Record<string, { status: string; detail?: string }> } };
  };

  it('reports a dead consumer loop as not ready, restarts it, and is ready again once it runs', async () => {
    const ready = await health('/health/ready');
    expect(ready).toMatchObject({ status: 200, body: { checks: { consumers: { status: 'ok' } } } });
    expect(ready.body.checks?.consumers.detail).toContain('agent-serving--served-log');

    const durable = nats.topology.consumerName('agent-serving', 'served-log');
    const jsm = await jetstreamManager(nats.nc);
    await jsm.consumers.delete(nats.topology.streamName('serving'), durable);
    const down = await eventually(async () => {
      const h = await health('/health/ready');
      return h.status === 503 ? h : undefined;
    }, { what: 'readiness to fail', timeoutMs: 30_000 });
    expect(down.body.checks?.consumers).toMatchObject({ status: 'down', detail: expect.stringContaining(`${durable} restarting`) });
    expect((await health('/health/live')).status).toBe(200);
    expect((await health('/health')).status).toBe(503);

    // Something is served while the loop is down; the durable comes back (reverie setup provisions it).
    const store = new EventStore(nats.nc, nats.topology);
    const event = lessonsServedEvent({ tenantId: 'acme', agentId: 'coder', sessionId: 'during-outage', lessons: [], actor: { kind: 'service', id: 'test' }, now: new Date() });
    await store.append('serving', event);
    await provisionStreams(nats.nc, nats.topology, { consumers: CONSUMERS, settings: { duplicateWindowSeconds: 120, maxMsgBytes: 1024 * 1024, replicas: 1 }, retention: TEST_RETENTION });
    await eventually(async () => (await health('/health/ready')).status === 200, { what: 'ready again after the restart', timeoutMs: 60_000 });
    await eventually(async () => (await db.query('SELECT 1 FROM serving_served_log WHERE event_id = $1', [event.id])).rowCount === 1, { what: 'what was served meanwhile projected' });
  });
});

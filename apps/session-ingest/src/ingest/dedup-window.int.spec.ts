import { ROUTES, type Envelope } from '@reverie/contracts';
import { EventStore } from '@reverie/event-store';
import { Client } from 'pg';
import { eventually } from '@reverie/testing';
import { postJson, sessionEvents, sessionsMessageCount } from '../testing/session-fixtures';
import { startIngestTestEnv, type IngestTestEnv } from '../testing/ingest-test-env';

describe('idempotency beyond the JetStream dedup window (1 s window)', () => {
  let env: IngestTestEnv;
  beforeAll(async () => {
    env = await startIngestTestEnv({ duplicateWindowSeconds: 1 });
  });
  afterAll(async () => {
    await env?.stop();
  });

  it('adds nothing when a batch is re-sent after the window has passed, once the projection recorded its ids', async () => {
    const events = sessionEvents('late-resend');
    const send = () => postJson(`${env.url}${ROUTES.ingestEvents}`, { events }, { 'x-api-key': env.keys.acme });
    expect((await send()).body).toMatchObject({ accepted: 6, duplicates: 0 });

    const pg = new Client({ connectionString: env.pg.url });
    await pg.connect();
    try {
      await eventually(async () => {
        const r = await pg.query('SELECT count(*)::int AS n FROM ingest_event_ids WHERE tenant_id = $1 AND event_id = ANY($2)', ['acme', events.map((e) => e.id)]);
        return r.rows[0].n === 6;
      }, { what: 'the projection to record the event ids' });
    } finally {
      await pg.end();
    }

    // A control event published straight to JetStream: once its re-publish is stored again, the window has passed.
    const store = new EventStore(env.nats.nc, env.nats.topology);
    const control = { id: 'window-probe', type: 'Probe', schemaVersion: 1, tenantId: 'probe', streamId: 'probe', occurredAt: new Date().toISOString(), recordedAt: new Date().toISOString(), actor: { kind: 'system', id: 't' }, correlationId: 'c', data: {} } as Envelope;
    await store.append('sessions', control);
    await eventually(async () => {
      await new Promise((r) => setTimeout(r, 300));
      return !(await store.append('sessions', control)).duplicate;
    }, { what: 'the dedup window to pass', timeoutMs: 10_000, intervalMs: 0 });

    const before = await sessionsMessageCount(env.nats.nc, env.nats.topology);
    const again = await send();
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 6 });
    expect(await sessionsMessageCount(env.nats.nc, env.nats.topology)).toBe(before);
  });
});

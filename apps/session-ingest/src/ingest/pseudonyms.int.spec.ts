import { createHash, randomBytes } from 'node:crypto';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { Client } from 'pg';
import { ROUTES } from '@reverie/contracts';
import { pseudonymFor } from '@reverie/redaction';
import { eventually } from '@reverie/testing';
import { tenantPseudonymKeys } from '../config/pseudonym-keys';
import { postJson, readSessionsOpened, readSessionsRaw, sessionEvents } from '../testing/session-fixtures';
import { startIngestTestEnv, type IngestTestEnv } from '../testing/ingest-test-env';

const DEPLOYMENT_KEY = randomBytes(32).toString('hex');

/** A session whose user is `userId` everywhere a user id goes: SessionStarted.data.userId and the user's actor id. */
function sessionOf(sessionId: string, userId: string): Record<string, unknown>[] {
  return sessionEvents(sessionId).map((e) => {
    const actor = e.actor as { kind: string; id: string };
    const data = e.data as Record<string, unknown>;
    return { ...e, actor: actor.kind === 'user' ? { ...actor, id: userId } : actor, data: 'userId' in data ? { ...data, userId } : data };
  });
}

describe('keyed pseudonyms of user ids', () => {
  let env: IngestTestEnv;
  beforeAll(async () => {
    env = await startIngestTestEnv({ env: { REVERIE_PSEUDONYM_KEY: DEPLOYMENT_KEY } });
  });
  afterAll(async () => {
    await env?.stop();
  });

  it('stores a planted e-mail user id nowhere, as the HMAC pseudonym of the tenant key: the same in one tenant, another in the next', async () => {
    const planted = `planted.${randomBytes(5).toString('hex')}@example-corp.com`;
    const bare = `pseudonym-${createHash('sha256').update(planted).digest('hex').slice(0, 20)}`;
    const keys = tenantPseudonymKeys(DEPLOYMENT_KEY);
    const expected = { acme: pseudonymFor(keys('acme'), planted), globex: pseudonymFor(keys('globex'), planted) };
    expect(expected.acme).not.toBe(expected.globex);

    for (const sessionId of ['pseudo-a1', 'pseudo-a2']) {
      const res = await postJson(`${env.url}${ROUTES.ingestEvents}`, { events: sessionOf(sessionId, planted) }, { 'x-api-key': env.keys.acme });
      expect(res.status).toBe(202);
      expect(res.body.redactions.email).toBe(2); // the userId and the user's actor id
    }
    const h = natsHeaders();
    h.set('Reverie-Api-Key', env.keys.globex);
    const reply = await env.nats.nc.request(env.nats.topology.command('ingest'), new TextEncoder().encode(JSON.stringify({ events: sessionOf('pseudo-g1', planted) })), { headers: h, timeout: 10_000 });
    expect(JSON.parse(new TextDecoder().decode(reply.data))).toMatchObject({ accepted: 6 });

    const stream = await readSessionsRaw(env.nats.nc, env.nats.topology);
    expect(stream).toHaveLength(18);
    const opened = await readSessionsOpened(env.nats.nc, env.nats.topology, env.cipher);
    const userIds = (tenant: string) => new Set(opened.filter((e) => e.tenantId === tenant).flatMap((e) => {
      const data = e.data as { userId?: string };
      return [data.userId, e.actor.kind === 'user' ? e.actor.id : undefined].filter(Boolean);
    }));
    expect([...userIds('acme')]).toEqual([expected.acme]);
    expect([...userIds('globex')]).toEqual([expected.globex]);

    const pg = new Client({ connectionString: env.pg.url });
    await pg.connect();
    try {
      await eventually(async () => (await pg.query(`SELECT sum(events)::int AS n FROM ingest_sessions`)).rows[0].n === 18, { what: 'the projection' });
      const tables = (await pg.query(`SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_type = 'BASE TABLE'`)).rows as { table_schema: string; table_name: string }[];
      const dumps: string[] = [];
      for (const t of tables) {
        const rows = await pg.query(`SELECT t::text AS row FROM "${t.table_schema}"."${t.table_name}" t`);
        dumps.push(...rows.rows.map((r: { row: string }) => r.row));
      }
      const haystacks = { stream: stream.map((m) => m.text).join('\n'), postgres: dumps.join('\n') };
      expect(haystacks.postgres).toContain('pseudo-a1'); // the dump did read the rows
      for (const [where, hay] of Object.entries(haystacks)) {
        const found = [planted, planted.split('@')[0], bare].filter((n) => hay.includes(n));
        expect({ where, found }).toEqual({ where, found: [] });
      }
    } finally {
      await pg.end();
    }
  });
});

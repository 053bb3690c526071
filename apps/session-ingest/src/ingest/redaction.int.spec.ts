import { randomBytes, randomInt } from 'node:crypto';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { Client } from 'pg';
import { ROUTES } from '@reverie/contracts';
import { eventually } from '@reverie/testing';
import { postJson, readSessionsOpened, readSessionsRaw, sessionEvents } from '../testing/session-fixtures';
import { startIngestTestEnv, type IngestTestEnv } from '../testing/ingest-test-env';

const b64url = (n: number) => randomBytes(n).toString('base64url');
const upperAlnum = (n: number) => Array.from({ length: n }, () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[randomInt(32)]).join('');

function luhnCard(): string {
  const digits = [4, ...Array.from({ length: 14 }, () => randomInt(10))];
  const sum = digits.reverse().reduce((acc, d, i) => acc + (i % 2 === 0 ? (d * 2 > 9 ? d * 2 - 9 : d * 2) : d), 0);
  return [...digits.reverse(), (10 - (sum % 10)) % 10].join('');
}

/** Fresh secrets each run, built at run time (nothing secret-looking is committed). */
function plantedSecrets() {
  const keyBody = Array.from({ length: 4 }, () => randomBytes(36).toString('base64'));
  const jwt = [Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url'), Buffer.from(JSON.stringify({ sub: b64url(6), n: randomInt(1e9) })).toString('base64url'), b64url(32)].join('.');
  return {
    anthropic: `sk-ant-api03-${b64url(60)}`,
    aws: `AKIA${upperAlnum(16)}`,
    email: `planted.${b64url(5).replace(/[-_]/g, 'x')}@example-corp.com`,
    card: luhnCard(),
    homeUser: `planted${b64url(5).replace(/[-_]/g, 'x').toLowerCase()}`,
    jwt,
    privateKey: `-----BEGIN RSA PRIVATE KEY-----\n${keyBody.join('\n')}\n-----END RSA PRIVATE KEY-----`,
    keyBody,
  };
}

describe('redaction before anything is persisted', () => {
  let env: IngestTestEnv;
  beforeAll(async () => {
    env = await startIngestTestEnv();
  });
  afterAll(async () => {
    await env?.stop();
  });

  it('leaves none of the planted secrets in the SESSIONS stream or in any Postgres table', async () => {
    const s = plantedSecrets();
    const text = `here are my creds ${s.anthropic} and ${s.aws}; mail ${s.email}; card ${s.card}; token ${s.jwt}`;
    const http = sessionEvents('secrets-http', {
      texts: [text, `I will use ${s.anthropic} and ${s.email}`],
      toolInput: { command: `curl -H "Authorization: Bearer ${s.jwt}" https://api.example.com`, env: { AWS_ACCESS_KEY_ID: s.aws, nested: [s.card, { pem: s.privateKey }] } },
      toolOutput: `$ cat ~/.ssh/id_rsa\n${s.privateKey}\ncontact: ${s.email}\ncard on file ${s.card}\nENOENT: open '/home/${s.homeUser}/app/dist/index.js'`,
    });
    const res = await postJson(`${env.url}${ROUTES.ingestEvents}`, { events: http }, { 'x-api-key': env.keys.acme });
    expect(res.status).toBe(202);
    for (const kind of ['anthropic_key', 'aws_access_key', 'email', 'card_number', 'jwt', 'private_key', 'home_directory_user']) expect(res.body.redactions[kind]).toBeGreaterThan(0);

    const overNats = sessionEvents('secrets-nats', { texts: [`nats ${s.anthropic} ${s.email}`, `ok ${s.jwt}`], toolOutput: s.privateKey, toolInput: { key: s.aws, card: s.card } });
    const h = natsHeaders();
    h.set('Reverie-Api-Key', env.keys.acme);
    const reply = await env.nats.nc.request(env.nats.topology.command('ingest'), new TextEncoder().encode(JSON.stringify({ events: overNats })), { headers: h, timeout: 10_000 });
    expect(JSON.parse(new TextDecoder().decode(reply.data))).toMatchObject({ accepted: 6 });

    const pg = new Client({ connectionString: env.pg.url });
    await pg.connect();
    try {
      await eventually(async () => (await pg.query(`SELECT sum(events)::int AS n FROM ingest_sessions WHERE tenant_id = 'acme'`)).rows[0].n === 12, { what: 'the projection' });
      const redactions = (await pg.query(`SELECT redactions FROM ingest_sessions WHERE session_id = 'secrets-http'`)).rows[0].redactions;
      expect(redactions).toMatchObject({ anthropic_key: expect.any(Number), private_key: expect.any(Number) });

      const tables = (await pg.query(`SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_type = 'BASE TABLE'`)).rows as { table_schema: string; table_name: string }[];
      expect(tables.map((t) => t.table_name)).toEqual(expect.arrayContaining(['ingest_sessions', 'ingest_event_ids', 'projection_checkpoints']));
      const dumps: string[] = [];
      for (const t of tables) {
        const rows = await pg.query(`SELECT t::text AS row FROM "${t.table_schema}"."${t.table_name}" t`);
        dumps.push(...rows.rows.map((r: { row: string }) => `${t.table_name}: ${r.row}`));
      }
      const stream = await readSessionsRaw(env.nats.nc, env.nats.topology);
      expect(stream).toHaveLength(12);

      const needles = [s.anthropic, s.aws, s.email, s.card, s.homeUser, s.jwt, s.jwt.split('.')[2], s.privateKey, JSON.stringify(s.privateKey).slice(1, -1), ...s.keyBody];
      const haystacks = { stream: stream.map((m) => m.text).join('\n'), postgres: dumps.join('\n') };
      expect(haystacks.postgres).toContain('secrets-http'); // the dump did read the rows
      for (const [where, hay] of Object.entries(haystacks)) {
        const found = needles.filter((n) => hay.includes(n));
        expect({ where, found }).toEqual({ where, found: [] });
      }
      // The log holds the content sealed; opened, it is the redacted text.
      expect(haystacks.stream).not.toContain('[REDACTED');
      const opened = JSON.stringify(await readSessionsOpened(env.nats.nc, env.nats.topology, env.cipher));
      expect(opened).toContain('[REDACTED');
      expect(needles.filter((n) => opened.includes(n))).toEqual([]);
    } finally {
      await pg.end();
    }
  });
});

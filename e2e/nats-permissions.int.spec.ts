/**
 * deploy/nats/nats-server.conf on a nats-server of this test's own: no anonymous access, each
 * service publishes only to its own streams (LESSONS has one writer, lesson-governance: dreaming
 * proposes through it), and the whole loop (setup as admin, the four
 * services each as its own user, ingest over HTTP and NATS, dream, approve, serve) works with
 * those permissions, without one permissions violation in the server's log; and the operator's
 * `reverie rebuild` and `reverie replay` work with them too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { AuthorizationError, connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { newId, ROUTES, SERVICE_NAMES, type DreamView, type LessonView, type ServedLesson, type ServiceName } from '@reverie/contracts';
import { NATS_API_KEY_HEADER, NATS_STATUS_HEADER } from '@reverie/ingest-client';
import { createLogger, type ServiceHandle } from '@reverie/service-kit';
import { eventually, freePort, pgTestEnv, type PgTestEnv } from '@reverie/testing';
import { createApp as createServing } from '../apps/agent-serving/src/app.factory';
import { loadServingConfig } from '../apps/agent-serving/src/config/serving.config';
import { cliConfig } from '../apps/cli/src/cli-config';
import { setupCommand } from '../apps/cli/src/commands/setup.command';
import { rebuildCommand, rebuildListCommand } from '../apps/cli/src/commands/rebuild.command';
import { replayCommand } from '../apps/cli/src/commands/replay.command';
import { Client } from 'pg';
import { createApp as createDreaming } from '../apps/dreaming/src/app.factory';
import { loadDreamingConfig } from '../apps/dreaming/src/config/dreaming.config';
import { createApp as createGovernance } from '../apps/lesson-governance/src/app.factory';
import { loadGovernanceConfig } from '../apps/lesson-governance/src/config/governance.config';
import { createApp as createIngest } from '../apps/session-ingest/src/app.factory';
import { loadIngestConfig } from '../apps/session-ingest/src/config/ingest.config';
import { apiKeysSpec, awaitPublishMistakeProposal, E2E_KEYS, publishWithoutBuildSessions } from './fixtures';

jest.setTimeout(120_000);

const CONFIG = path.resolve(__dirname, '../deploy/nats/nats-server.conf');
const NATS_USERS = ['ingest', 'dreaming', 'governance', 'serving', 'admin', 'agent'] as const;
type NatsUser = (typeof NATS_USERS)[number];
const SERVICE_USER: Record<ServiceName, NatsUser> = { 'session-ingest': 'ingest', dreaming: 'dreaming', 'lesson-governance': 'governance', 'agent-serving': 'serving' };
/**
 * nats-server reads a `$VARIABLE` from the environment as a configuration value, not as a string:
 * a password starting with a digit fails to parse (or becomes a number). Hence the letter first,
 * as deploy/nats/nats-server.conf says.
 */
const PASSWORDS = Object.fromEntries(NATS_USERS.map((u) => [u, `p${randomBytes(24).toString('hex')}`])) as Record<NatsUser, string>;
const { acme } = E2E_KEYS;
const encoder = new TextEncoder();

let server: ChildProcess;
let serverLog = '';
let storeDir: string;
let url: string;
let pg: PgTestEnv;
const connections: NatsConnection[] = [];
const apps = {} as Record<ServiceName, ServiceHandle>;

const as = async (user: NatsUser) => {
  const nc = await connect({ servers: url, user, pass: PASSWORDS[user], reconnect: false });
  connections.push(nc);
  return nc;
};
const violations = (log: string) => log.split('\n').filter((l) => /Violation|authentication error/i.test(l));

beforeAll(async () => {
  storeDir = mkdtempSync(path.join(os.tmpdir(), 'reverie-nats-perms-'));
  const port = await freePort();
  url = `nats://127.0.0.1:${port}`;
  const env = { ...process.env, ...Object.fromEntries(NATS_USERS.map((u) => [`REVERIE_NATS_${u.toUpperCase()}_PASSWORD`, PASSWORDS[u]])) };
  server = spawn('nats-server', ['-c', CONFIG, '-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir], { env });
  server.stdout?.on('data', (d) => (serverLog += d));
  server.stderr?.on('data', (d) => (serverLog += d));
  await eventually(() => serverLog.includes('Server is ready') || server.exitCode !== null, { what: 'nats-server ready', timeoutMs: 10000 });
  if (server.exitCode !== null) throw new Error(`nats-server exited with code ${server.exitCode}:\n${serverLog}`);
  pg = await pgTestEnv();
});

afterAll(async () => {
  for (const s of SERVICE_NAMES) await apps[s]?.shutdown('test done');
  for (const nc of connections) await nc.close().catch(() => undefined);
  if (server && server.exitCode === null) {
    await new Promise<void>((resolve) => {
      server.once('exit', () => resolve());
      server.kill('SIGTERM');
    });
  }
  if (storeDir) rmSync(storeDir, { recursive: true, force: true });
  await pg?.cleanup();
});

describe('NATS users and permissions (deploy/nats/nats-server.conf)', () => {
  it('refuses a connection without a user, or with a wrong password', async () => {
    await expect(connect({ servers: url, reconnect: false, timeout: 5000 })).rejects.toThrow(AuthorizationError);
    await expect(connect({ servers: url, user: 'ingest', pass: 'not-the-password', reconnect: false, timeout: 5000 })).rejects.toThrow(AuthorizationError);
  });

  it('provisions with `reverie setup` as the admin user, and not as a service user', async () => {
    const env = { NATS_URL: url, DATABASE_URL: pg.url, NATS_USER: 'admin', NATS_PASSWORD: PASSWORDS.admin };
    const printed: unknown[] = [];
    const out = { json: true, result: (v: unknown) => printed.push(v), note: () => undefined };
    await setupCommand(cliConfig(env), out, env);
    expect(printed).toHaveLength(1);
    expect((printed[0] as { streams: { action: string }[] }).streams.map((s) => s.action)).toEqual(['created', 'created', 'created', 'created', 'created']);

    // A service user cannot manage streams, and no user at all is refused by name.
    const ingestEnv = { ...env, NATS_USER: 'ingest', NATS_PASSWORD: PASSWORDS.ingest };
    await expect(setupCommand(cliConfig(ingestEnv), out, ingestEnv)).rejects.toThrow(/cannot provision JetStream/);
    const anonymous = { NATS_URL: url, DATABASE_URL: pg.url };
    await expect(setupCommand(cliConfig(anonymous), out, anonymous)).rejects.toThrow(/without NATS_USER or NATS_CREDS: .*Authorization Violation/i);
  });

  it('lets each service publish to its own streams only', async () => {
    const ingest = jetstream(await as('ingest'));
    const ack = await ingest.publish('sessions.acme.perm-session', encoder.encode('{}'));
    expect(ack.stream).toBe('SESSIONS');
    await expect(ingest.publish('lessons.acme.perm-lesson', encoder.encode('{}'), { timeout: 5000 })).rejects.toThrow(/permissions violation/i);
    await expect(ingest.publish('dreams.acme.perm-dream', encoder.encode('{}'), { timeout: 5000 })).rejects.toThrow(/permissions violation/i);

    const serving = jetstream(await as('serving'));
    await expect(serving.publish('sessions.acme.perm-session', encoder.encode('{}'), { timeout: 5000 })).rejects.toThrow(/permissions violation/i);
    expect((await serving.publish('serving.acme.perm-serving', encoder.encode('{}'))).stream).toBe('SERVING');

    const governance = jetstream(await as('governance'));
    await expect(governance.publish('sessions.acme.perm-session', encoder.encode('{}'), { timeout: 5000 })).rejects.toThrow(/permissions violation/i);
    // Dreaming writes no lesson event: it proposes, and lesson-governance appends.
    const dreaming = jetstream(await as('dreaming'));
    await expect(dreaming.publish('lessons.acme.perm-lesson', encoder.encode('{}'), { timeout: 5000 })).rejects.toThrow(/permissions violation/i);
    // Only dreaming may send a proposal.
    await expect((await as('ingest')).request('reverie.cmd.lessons.propose.acme', encoder.encode('{}'), { timeout: 2000 })).rejects.toThrow();
    // An agent reaches the ingest subject and nothing of JetStream.
    const agent = jetstream(await as('agent'));
    await expect(agent.publish('sessions.acme.perm-session', encoder.encode('{}'), { timeout: 5000 })).rejects.toThrow(/permissions violation/i);
    // The server logs each refusal (what the last test looks for); wait for them here.
    const expected = [
      'Publish Violation - User "ingest", Subject "lessons.acme.perm-lesson"',
      'Publish Violation - User "dreaming", Subject "lessons.acme.perm-lesson"',
      'Publish Violation - User "ingest", Subject "reverie.cmd.lessons.propose.acme"',
      'Publish Violation - User "agent", Subject "sessions.acme.perm-session"',
    ];
    await eventually(() => {
      const lines = violations(serverLog);
      return expected.every((v) => lines.some((l) => l.includes(v)));
    }, { what: `violations logged: ${expected.join('; ')}` });
  });

  it('runs the whole loop with each service as its own NATS user', async () => {
    const logFrom = serverLog.length;
    const common = { NATS_URL: url, DATABASE_URL: pg.url, PORT: '0', LOG_LEVEL: 'silent', REVERIE_API_KEYS: apiKeysSpec() };
    const env = (s: ServiceName) => ({ ...common, NATS_USER: SERVICE_USER[s], NATS_PASSWORD: PASSWORDS[SERVICE_USER[s]] });
    const logger = (s: ServiceName) => createLogger(s, 'silent');
    apps['session-ingest'] = await createIngest(loadIngestConfig(env('session-ingest')), { handleSignals: false, logger: logger('session-ingest') });
    apps.dreaming = await createDreaming(loadDreamingConfig(env('dreaming')), { handleSignals: false, logger: logger('dreaming') });
    apps['lesson-governance'] = await createGovernance(loadGovernanceConfig(env('lesson-governance')), { handleSignals: false, logger: logger('lesson-governance') });
    apps['agent-serving'] = await createServing(loadServingConfig(env('agent-serving')), { handleSignals: false, logger: logger('agent-serving') });

    const http = async <T>(service: ServiceName, route: string, key: string, body?: unknown): Promise<{ status: number; body: T }> => {
      const res = await fetch(`${apps[service].url}${route}`, {
        method: body ? 'POST' : 'GET',
        headers: { 'content-type': 'application/json', 'x-api-key': key },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
    };

    // Three sessions over HTTP, the fourth over NATS as the agent user.
    const sessions = publishWithoutBuildSessions('acme', 4);
    const viaHttp = sessions.slice(0, 3).flat();
    const ingested = await http<{ accepted: number }>('session-ingest', ROUTES.ingestEvents, acme.ingest, { events: viaHttp });
    expect(ingested.status).toBe(202);
    expect(ingested.body.accepted).toBe(viaHttp.length);
    const h = natsHeaders();
    h.set(NATS_API_KEY_HEADER, acme.ingest);
    const reply = await (await as('agent')).request('reverie.cmd.ingest', encoder.encode(JSON.stringify({ events: sessions[3] })), { timeout: 10000, headers: h });
    expect(reply.headers?.get(NATS_STATUS_HEADER)).toBe('202');

    const requested = await http<DreamView>('dreaming', ROUTES.dreams, acme.reviewer, { trigger: 'manual' });
    const { lesson } = await awaitPublishMistakeProposal(requested, (service, route, key) => http(service, route, key), acme.reviewer);
    expect(lesson.support.sessions).toBe(4);

    const approved = await http<LessonView>('lesson-governance', ROUTES.approveLesson(lesson.id), acme.approver, { note: 'seen it happen' });
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('active');

    const served = await eventually(async () => {
      const s = (await http<{ lessons: ServedLesson[] }>('agent-serving', ROUTES.agentLessons('release-bot'), acme.agent)).body;
      return s.lessons.some((l) => l.id === lesson.id) ? s : undefined;
    }, { what: 'lesson served', timeoutMs: 10000 });
    expect(served.lessons.find((l) => l.id === lesson.id)!.text).toBe(lesson.text);

    // Served means recorded in SERVING by the serving user: wait for it, then nothing was refused.
    const jsm = await jetstreamManager(await as('admin'));
    await eventually(async () => (await jsm.streams.info('SERVING')).state.messages > 1, { what: 'LessonsServed recorded' });
    // The `{}` published to SESSIONS above is no session event: both of its consumers dead-lettered it;
    // the `{}` the serving user published to SERVING went the same way through agent-serving's forensics consumer.
    const deadlettered = await eventually(async () => {
      const subjects = (await jsm.streams.info('DEADLETTER', { subjects_filter: '>' })).state.subjects ?? {};
      return Object.keys(subjects).length >= 3 ? subjects : undefined;
    }, { what: 'poison messages dead-lettered' });
    expect(Object.keys(deadlettered).sort()).toEqual(['dlq.agent-serving--served-log', 'dlq.dreaming--session-signals', 'dlq.session-ingest--sessions-projection']);
    for (const s of SERVICE_NAMES) expect((await fetch(`${apps[s].url}/health`)).status).toBe(200);
    expect(violations(serverLog.slice(logFrom))).toEqual([]);
  });

  it('lets the operator rebuild the projections of each service and replay streams, with the same users (after the loop above)', async () => {
    const logFrom = serverLog.length;
    const env = { NATS_URL: url, DATABASE_URL: pg.url };
    const saved = { user: process.env.NATS_USER, pass: process.env.NATS_PASSWORD };
    Object.assign(process.env, { NATS_USER: 'admin', NATS_PASSWORD: PASSWORDS.admin });
    const printed: unknown[] = [];
    const out = { json: true, result: (v: unknown) => printed.push(v), note: () => undefined };
    const db = new Client({ connectionString: pg.url });
    await db.connect();
    try {
      await rebuildListCommand(cliConfig(env), out);
      const listed = printed.pop() as { projections: { name: string; service: string; rebuildable: boolean; checkpoint: number }[]; notAnswering: string[] };
      expect(listed.notAnswering).toEqual([]);
      expect(listed.projections.map((p) => `${p.service} ${p.name} ${p.rebuildable}`).sort()).toEqual([
        'agent-serving agent-serving--active-lessons true',
        'agent-serving agent-serving--served-log true',
        'dreaming dreaming.lesson-index true',
        'dreaming dreaming.session-starts false',
        'lesson-governance lesson-governance--dreams-projection true',
        'lesson-governance lesson-governance--lessons-projection true',
        'session-ingest session-ingest.sessions true',
      ].sort());

      // Every rebuildable read model of the loop equals its rebuild from the log.
      for (const p of listed.projections.filter((x) => x.rebuildable)) {
        expect(await rebuildCommand(cliConfig(env), out, p.name, { compareOnly: true })).toBe(0);
        expect(printed.pop()).toMatchObject({ projection: p.name, equal: true, swapped: false });
      }

      // A read model gone wrong is found, then repaired by the swap.
      await db.query(`UPDATE ingest_sessions SET events = events + 5 WHERE session_id = (SELECT min(session_id) FROM ingest_sessions)`);
      expect(await rebuildCommand(cliConfig(env), out, 'session-ingest.sessions', { compareOnly: true })).toBe(1);
      expect(printed.pop()).toMatchObject({ equal: false, tables: expect.arrayContaining([expect.objectContaining({ table: 'ingest_sessions', onlyLive: 1, onlyRebuilt: 1 })]) });
      expect(await rebuildCommand(cliConfig(env), out, 'session-ingest.sessions', {})).toBe(0);
      expect(printed.pop()).toMatchObject({ equal: false, swapped: true });
      expect(await rebuildCommand(cliConfig(env), out, 'session-ingest.sessions', { compareOnly: true })).toBe(0);
      await expect(rebuildCommand(cliConfig(env), out, 'dreaming.session-starts', {})).rejects.toThrow('does not declare the tables it owns');
      await expect(rebuildCommand(cliConfig(env), out, 'no-such-projection', {})).rejects.toThrow('no running service has a projection named "no-such-projection"');

      // Replay: a range of sequences, and the approvals since a time.
      const lines: string[] = [];
      await replayCommand(cliConfig(env), { ...out, json: false }, 'sessions', { from: '2', to: '6' }, (t) => lines.push(t));
      expect(lines.map((l) => Number(l.trim().split(/\s+/)[0]))).toEqual([2, 3, 4, 5, 6]);
      lines.length = 0;
      await replayCommand(cliConfig(env), { ...out, json: true }, 'LESSONS', { from: '2020-01-01T00:00:00Z', type: 'LessonApproved' }, (t) => lines.push(t));
      const approvals = lines.map((l) => JSON.parse(l) as { event: { type: string; tenantId: string } });
      expect(approvals.map((a) => [a.event.type, a.event.tenantId])).toEqual([['LessonApproved', 'acme']]);
      await expect(replayCommand(cliConfig(env), out, 'sessions', { from: 'yesterday' })).rejects.toThrow('--from must be a stream sequence or an ISO date-time');
    } finally {
      await db.end();
      Object.assign(process.env, { NATS_USER: saved.user, NATS_PASSWORD: saved.pass });
      if (saved.user === undefined) delete process.env.NATS_USER;
      if (saved.pass === undefined) delete process.env.NATS_PASSWORD;
    }
    expect(violations(serverLog.slice(logFrom))).toEqual([]);
  });

  it('lets a service rewind its own durables when it starts again after a crash, and no other service\'s (after the loop above)', async () => {
    const logFrom = serverLog.length;
    const durable = 'dreaming--session-signals';
    const admin = await jetstreamManager(await as('admin'));
    // dreaming goes down; sessions keep coming; a dreaming that crashed had taken two of them and never acknowledged them.
    await apps.dreaming.shutdown('test: crash');
    const events = publishWithoutBuildSessions('acme', 1).flat().map((e) => ({ ...e, id: newId(), streamId: `${e.streamId}-after-crash` }));
    const res = await fetch(`${apps['session-ingest'].url}${ROUTES.ingestEvents}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': acme.ingest }, body: JSON.stringify({ events }) });
    expect(res.status).toBe(202);
    await eventually(async () => (await admin.consumers.info('SESSIONS', durable)).num_pending >= events.length, { what: 'sessions waiting for dreaming' });
    const crashed = await as('dreaming');
    const taken = await (await jetstream(crashed).consumers.get('SESSIONS', durable)).fetch({ max_messages: 2, expires: 5000 });
    let held = 0;
    for await (const _ of taken) held++;
    expect(held).toBe(2);
    await crashed.close();
    const before = await admin.consumers.info('SESSIONS', durable);
    expect(before.num_ack_pending).toBe(2);

    // Started again as its own user: it rewinds the durable (delete, create again) and applies everything now, not after the 30 s ack wait.
    const env = { NATS_URL: url, DATABASE_URL: pg.url, PORT: '0', LOG_LEVEL: 'silent', REVERIE_API_KEYS: apiKeysSpec(), NATS_USER: 'dreaming', NATS_PASSWORD: PASSWORDS.dreaming };
    apps.dreaming = await createDreaming(loadDreamingConfig(env), { handleSignals: false, logger: createLogger('dreaming', 'silent') });
    await eventually(async () => {
      const info = await admin.consumers.info('SESSIONS', durable);
      return info.num_pending === 0 && info.num_ack_pending === 0 ? info : undefined;
    }, { what: 'dreaming caught up, nothing left unacknowledged', timeoutMs: 15_000 });
    expect((await admin.consumers.info('SESSIONS', durable)).config).toMatchObject({ deliver_policy: 'by_start_sequence', opt_start_seq: before.ack_floor.stream_seq + 1, ack_wait: 30_000_000_000 });
    expect((await fetch(`${apps.dreaming.url}/health`)).status).toBe(200);

    // It may delete its own durables only.
    const dreaming = await jetstreamManager(await as('dreaming'));
    await expect(dreaming.consumers.delete('SESSIONS', 'session-ingest--sessions-projection')).rejects.toThrow();
    await expect(dreaming.consumers.delete('LESSONS', 'lesson-governance--lessons-projection')).rejects.toThrow();
    expect((await admin.consumers.info('SESSIONS', 'session-ingest--sessions-projection')).name).toBe('session-ingest--sessions-projection');
    const refused = violations(serverLog.slice(logFrom));
    expect(refused).toHaveLength(2);
    expect(refused.join('\n')).toContain('Subject "$JS.API.CONSUMER.DELETE.SESSIONS.session-ingest--sessions-projection"');
  });
});

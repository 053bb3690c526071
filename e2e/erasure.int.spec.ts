/**
 * Erasure proof, over the real system on a nats-server of this test's own (so its JetStream store
 * files can be read) and a fresh Postgres database: a user's sessions carry unique markers, a dream
 * derives a lesson from them and it is served; the user is erased; then the markers and the user's
 * id are searched for in the SESSIONS store files, every Postgres table and the answers of the APIs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { ROUTES, SERVICE_NAMES, type DreamView, type LessonView, type ServedLesson, type ServiceName, type SessionEvent } from '@reverie/contracts';
import { SessionBuilder } from '@reverie/dreaming-domain';
import { pseudonymFor } from '@reverie/redaction';
import { DEVELOPMENT_PSEUDONYM_KEY, tenantPseudonymKeys } from '../apps/session-ingest/src/config/pseudonym-keys';
import { createLogger, SESSION_CIPHER, type ServiceHandle } from '@reverie/service-kit';
import type { SessionCipher } from '@reverie/content-crypto';
import { EventStore, rebuildProjection } from '@reverie/event-store';
import type { DataSource } from 'typeorm';
import { dreamEventSchema, lessonsStreamEventSchema, sessionEventSchema } from '@reverie/contracts';
import { DATA_SOURCE } from '@reverie/service-kit';
import { activeLessonsProjection, resetActiveLessons } from '../apps/agent-serving/src/lessons/active-lessons.projection';
import { lessonIndexProjection } from '../apps/dreaming/src/lesson-index/lesson-index.projection';
import { governanceDreamsProjection, resetGovernanceDreams } from '../apps/lesson-governance/src/dreams/governance-dreams.projection';
import { governanceLessonsProjection, resetGovernanceLessons } from '../apps/lesson-governance/src/lessons/governance-lessons.projection';
import { sessionsProjection } from '../apps/session-ingest/src/sessions/sessions.projection';
import { topology } from '@reverie/contracts';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { eventually, freePort, pgTestEnv, type PgTestEnv } from '@reverie/testing';
import { createApp as createServing } from '../apps/agent-serving/src/app.factory';
import { loadServingConfig } from '../apps/agent-serving/src/config/serving.config';
import { cliConfig } from '../apps/cli/src/cli-config';
import { exportCommand } from '../apps/cli/src/commands/export.command';
import { setupCommand } from '../apps/cli/src/commands/setup.command';
import { createApp as createDreaming } from '../apps/dreaming/src/app.factory';
import { loadDreamingConfig } from '../apps/dreaming/src/config/dreaming.config';
import { createApp as createGovernance } from '../apps/lesson-governance/src/app.factory';
import { loadGovernanceConfig } from '../apps/lesson-governance/src/config/governance.config';
import { createApp as createIngest } from '../apps/session-ingest/src/app.factory';
import { loadIngestConfig } from '../apps/session-ingest/src/config/ingest.config';
import { RetentionJob } from '../apps/session-ingest/src/erasure/retention.job';

jest.setTimeout(120_000);

const KEYS = { old: 'short-lived-ingest-key-001', oldAdmin: 'short-lived-admin-key-0001', ana: 'acme-ana-ingest-key-00001', cy: 'acme-cy-ingest-key-000001', erin: 'acme-erin-ingest-key-0001', admin: 'acme-admin-key-0000000001', approver: 'acme-approver-key-000001', agent: 'acme-agent-key-000000001' };
const REVERIE_API_KEYS = [
  `${KEYS.ana}:acme:ingest:ana-key`, `${KEYS.cy}:acme:ingest:cy-key`, `${KEYS.erin}:acme:ingest:erin-key`, `${KEYS.admin}:acme:admin+reviewer:ops`, `${KEYS.approver}:acme:approver:abe`, `${KEYS.agent}:acme:agent:release-bot`,
  `${KEYS.old}:shortlived:ingest:old-ingest`, `${KEYS.oldAdmin}:shortlived:admin+reviewer:old-ops`,
].join(',');
const ERIN = 'erin@example.com';
/** Erin's id as ingest stores it: the keyed pseudonym of her e-mail address (development pseudonym key). */
const ERIN_STORED = pseudonymFor(tenantPseudonymKeys(DEVELOPMENT_PSEUDONYM_KEY)('acme'), ERIN);
const MARKERS = ['MRK-ERIN-CHAT-77310', 'MRK-ERIN-OUT-55219', 'MRK-ERIN-PREF-31337'];
/** What each user says after the failed publish: a preference three users share, Erin's in words of her own (the longest, so the lesson quotes it). */
const PREFERENCE: Record<string, string> = {
  [ERIN]: `Always use pnpm instead of npm, the lockfile from the ${MARKERS[2]} mirror drifts with npm`, ana: 'use pnpm instead of npm', bo: 'always use pnpm instead of npm please', cy: 'please use pnpm instead of npm',
};

/** Publish before build: fails, build, publish again. Erin's sessions say her markers in a chat line, a tool output and her preference. */
const session = (id: string, user: string, day: number, markers = false): SessionEvent[] => {
  const b = new SessionBuilder('acme', id, 'release-bot', user, Date.UTC(2026, 10, day, 9));
  b.start('Publish the package');
  if (markers) b.user(`by the way, my ticket is ${MARKERS[0]}`);
  b.tool('Bash', { command: 'npm publish' }, "npm ERR! enoent ENOENT: no such file or directory, open 'dist/index.js'", true);
  if (PREFERENCE[user]) b.user(PREFERENCE[user]);
  b.tool('Bash', { command: 'npm run build' }, markers ? `built dist/ in 1.2s ${MARKERS[1]}` : 'built dist/ in 1.2s', false);
  b.tool('Bash', { command: 'npm publish' }, '+ pkg@1.0.0', false);
  return b.end('success').map(({ tenantId: _t, recordedAt: _r, ...e }) => e as SessionEvent);
};
/** Cy only states the preference (in a session of another agent task): the pattern outlives Erin's erasure. */
const statement = (id: string, user: string, day: number): SessionEvent[] => {
  const b = new SessionBuilder('acme', id, 'release-bot', user, Date.UTC(2026, 10, day, 9));
  b.start('Bump the changelog');
  b.tool('Read', { file_path: 'CHANGELOG.md' }, '# Changelog', false);
  b.user(PREFERENCE[user]);
  return b.end('success').map(({ tenantId: _t, recordedAt: _r, ...e }) => e as SessionEvent);
};

/** Every file under a directory, as text (binary bytes as latin1, so ASCII markers still match). */
const filesUnder = (dir: string): { file: string; text: string }[] => readdirSync(dir).flatMap((name) => {
  const p = path.join(dir, name);
  return statSync(p).isDirectory() ? filesUnder(p) : [{ file: p, text: readFileSync(p).toString('latin1') }];
});

describe('erasure reaches the log and what was derived from it', () => {
  let server: ChildProcess;
  let storeDir: string;
  let url: string;
  let pg: PgTestEnv;
  let nc: NatsConnection;
  const apps = {} as Record<ServiceName, ServiceHandle>;
  /** `reverie export --user` as the CLI runs it, against the running services. */
  const exportOf = async (user: string) => {
    const printed: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => { printed.push(String(chunk)); return true; }) as typeof process.stdout.write;
    try {
      const config = cliConfig({
        REVERIE_API_KEY: KEYS.admin, REVERIE_INGEST_URL: apps['session-ingest'].url, REVERIE_GOVERNANCE_URL: apps['lesson-governance'].url,
        REVERIE_SERVING_URL: apps['agent-serving'].url, REVERIE_DREAMING_URL: apps.dreaming.url, XDG_CONFIG_HOME: storeDir,
      });
      await exportCommand(config, { json: true, result: () => undefined, note: () => undefined }, { user });
    } finally {
      process.stdout.write = write;
    }
    return JSON.parse(printed.join('')) as { sessions: { sessionId: string }[]; lessons: LessonView[]; servings: { type: string; data: object }[] };
  };
  const call = async <T>(service: ServiceName, method: string, route: string, key: string, body?: unknown) => {
    const res = await fetch(`${apps[service].url}${route}`, { method, headers: { 'x-api-key': key, ...(body !== undefined && { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, text, body: JSON.parse(text) as T };
  };

  beforeAll(async () => {
    storeDir = mkdtempSync(path.join(os.tmpdir(), 'reverie-erasure-'));
    const port = await freePort();
    url = `nats://127.0.0.1:${port}`;
    let log = '';
    server = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir]);
    server.stderr?.on('data', (d) => (log += d));
    server.stdout?.on('data', (d) => (log += d));
    await eventually(() => log.includes('Server is ready') || server.exitCode !== null, { what: 'nats-server ready', timeoutMs: 10_000 });
    pg = await pgTestEnv();
    // Tenant shortlived keeps session content ~1 s; the retention job is run by hand below.
    const env = { NATS_URL: url, DATABASE_URL: pg.url, PORT: '0', LOG_LEVEL: 'silent', REVERIE_API_KEYS, GOVERNANCE_CLOCK_SECONDS: '0', REVERIE_RETENTION_DAYS: 'shortlived:0.00001', REVERIE_RETENTION_CHECK_SECONDS: '0' };
    await setupCommand(cliConfig(env), { json: true, result: () => undefined, note: () => undefined }, env);
    const logger = (s: ServiceName) => createLogger(s, 'silent');
    apps['session-ingest'] = await createIngest(loadIngestConfig(env), { handleSignals: false, logger: logger('session-ingest') });
    apps['lesson-governance'] = await createGovernance(loadGovernanceConfig(env), { handleSignals: false, logger: logger('lesson-governance') });
    apps.dreaming = await createDreaming(loadDreamingConfig(env), { handleSignals: false, logger: logger('dreaming') });
    apps['agent-serving'] = await createServing(loadServingConfig(env), { handleSignals: false, logger: logger('agent-serving') });
    nc = await connect({ servers: url });
  });

  afterAll(async () => {
    for (const s of [...SERVICE_NAMES].reverse()) await apps[s]?.shutdown('test done');
    await nc?.close();
    if (server && server.exitCode === null) await new Promise<void>((resolve) => { server.once('exit', () => resolve()); server.kill('SIGTERM'); });
    await pg?.cleanup();
    rmSync(storeDir, { recursive: true, force: true });
  });

  it('leaves the erased user\'s words unreadable in the log, gone from every table and answer, and withdraws what they supported', async () => {
    for (const [key, events] of [
      [KEYS.erin, session('erin-1', ERIN, 1, true)], [KEYS.erin, session('erin-2', ERIN, 2, true)], [KEYS.ana, session('ana-1', 'ana', 3)], [KEYS.ana, session('bo-1', 'bo', 4)], [KEYS.cy, statement('cy-1', 'cy', 5)],
    ] as const) {
      expect((await call('session-ingest', 'POST', ROUTES.ingestEvents, key, { events })).status).toBe(202);
    }
    const dreamed = async () => {
      const requested = await call<DreamView>('dreaming', 'POST', ROUTES.dreams, KEYS.admin, { trigger: 'manual' });
      return eventually(async () => {
        const d = (await call<DreamView>('dreaming', 'GET', ROUTES.dream(requested.body.id), KEYS.admin)).body;
        return d.status === 'completed' ? d : undefined;
      }, { what: 'the dream' });
    };
    const inReview = async (ids: string[], text: RegExp) => eventually(async () => {
      const all = (await call<LessonView[]>('lesson-governance', 'GET', `${ROUTES.lessons}?limit=500`, KEYS.admin)).body;
      return all.find((l) => ids.includes(l.id) && l.status === 'in-review' && text.test(l.text));
    }, { what: `a lesson in review matching ${text}` });
    const dream = await dreamed();
    const lesson = await inReview(dream.proposedLessonIds, /npm run build/);
    expect(lesson.support.sessions).toBe(4);
    // The preference lesson quotes Erin's own words as its example.
    const preference = await inReview(dream.proposedLessonIds, /pnpm/);
    expect(preference.text).toContain(MARKERS[2]);
    expect(preference.support).toMatchObject({ sessions: 5, distinctUsers: 4 });
    for (const l of [lesson, preference]) expect((await call<LessonView>('lesson-governance', 'POST', ROUTES.approveLesson(l.id), KEYS.approver, {})).body.status).toBe('active');
    await eventually(async () => (await call<{ lessons: ServedLesson[] }>('agent-serving', 'GET', ROUTES.agentLessons('release-bot'), KEYS.agent)).body.lessons.length === 2, { what: 'served' });

    // An agent's session of Erin's was served the lesson: recorded on SERVING with the session.
    expect((await call('agent-serving', 'GET', `${ROUTES.agentLessons('release-bot')}?sessionId=erin-2`, KEYS.agent)).status).toBe(200);

    // Export (the portability twin of erasure): Erin's sessions opened, the lesson citing them, the serving to her session.
    const exported = await exportOf(ERIN);
    expect(exported.sessions.map((s) => s.sessionId)).toEqual(['erin-1', 'erin-2']);
    expect(JSON.stringify(exported.sessions)).toContain(MARKERS[0]);
    expect(exported.lessons.map((l) => l.id).sort()).toEqual([lesson.id, preference.id].sort());
    expect(exported.servings).toEqual([expect.objectContaining({ type: 'LessonsServed', data: expect.objectContaining({ sessionId: 'erin-2' }) })]);

    // Lessons' words are sealed on the log too (under the lesson's own key): the text is not in the LESSONS store files.
    const lessonFiles = filesUnder(storeDir).filter((f) => f.file.includes(`${path.sep}LESSONS${path.sep}`));
    expect(lessonFiles.length).toBeGreaterThan(0);
    expect(lessonFiles.some((f) => f.text.includes(lesson.text))).toBe(false);

    // Before: the markers are in the log, readable by the services' cipher only.
    const cipher = apps['session-ingest'].app.get<SessionCipher>(SESSION_CIPHER);
    const store = new EventStore(nc, topology(''));
    const erinEvents = async () => cipher.open('acme', (await store.readAggregate<SessionEvent>('sessions', 'acme', 'erin-1')).events.map((e) => e.event));
    expect(JSON.stringify(await erinEvents())).toContain(MARKERS[0]);
    const sessionFiles = () => filesUnder(storeDir).filter((f) => f.file.includes(`${path.sep}SESSIONS${path.sep}`));
    expect(sessionFiles().length).toBeGreaterThan(0);
    expect(sessionFiles().some((f) => MARKERS.some((m) => f.text.includes(m)))).toBe(false);

    const erased = await call<{ erasureId: string; scope: { users: number; sessions: number }; artifacts: Record<string, number>; lessons: { lessonId: string; action: string }[] }>(
      'session-ingest', 'POST', '/v1/admin/erasures', KEYS.admin, { users: [ERIN], reason: 'right to erasure, request #42' },
    );
    expect(erased.status).toBe(200);
    expect(erased.body).toMatchObject({ scope: { users: 1, sessions: 2 }, artifacts: { sessionKeys: 2, userKeys: 1, sessionRows: 2, signalRows: 2 } });
    // The error line the workflow lesson quotes was printed in everyone's sessions: not Erin's alone, so only its support changes.
    // The preference lesson quoted Erin's own words: withdrawn for good, its words shredded.
    expect(erased.body.lessons).toEqual(expect.arrayContaining([
      expect.objectContaining({ lessonId: lesson.id, action: 'back-to-review' }),
      expect.objectContaining({ lessonId: preference.id, action: 'words-erased', status: 'rolled-back' }),
    ]));
    expect(erased.body.lessons).toHaveLength(2);

    // The log keeps ciphertext without a key: the events open to "[erased]".
    const after = JSON.stringify(await erinEvents());
    expect(after).not.toContain(MARKERS[0]);
    expect(after).toContain('[erased]');
    // The lesson they supported is no longer served; what is left of its support is the others'.
    await eventually(async () => (await call<{ lessons: ServedLesson[] }>('agent-serving', 'GET', ROUTES.agentLessons('release-bot'), KEYS.agent)).body.lessons.length === 0, { what: 'withdrawn' });
    const withdrawn = await eventually(async () => {
      const l = (await call<LessonView>('lesson-governance', 'GET', ROUTES.lesson(lesson.id), KEYS.admin)).body;
      return l.status === 'in-review' ? l : undefined;
    }, { what: 'the recount projected' });
    expect(withdrawn.support.sessions).toBe(2);
    const closed = (await call<LessonView>('lesson-governance', 'GET', ROUTES.lesson(preference.id), KEYS.admin)).body;
    expect(closed).toMatchObject({ status: 'rolled-back', wordsErased: true, text: '[erased]' });
    const again = await call<{ code: string }>('lesson-governance', 'POST', ROUTES.approveLesson(preference.id), KEYS.approver, {});
    expect([again.status, again.body.code]).toEqual([409, 'words-erased']);
    // The next dream writes the pattern afresh from what is left (Ana, Bo and Cy): a new lesson in their words.
    // (Dreaming learns of the closed lesson from LESSONS, asynchronously: dream until it has.)
    const next = await eventually(async () => { const d = await dreamed(); return d.proposedLessonIds.length ? d : undefined; }, { what: 'a dream proposing the pattern afresh' });
    const rewritten = await inReview(next.proposedLessonIds, /pnpm/);
    expect(rewritten.id).not.toBe(preference.id);
    expect(rewritten.fingerprint).toBe(preference.fingerprint);
    expect(rewritten.support).toMatchObject({ sessions: 3, distinctUsers: 3 });
    expect(rewritten.text).not.toContain(MARKERS[2]);
    // The erasure record says how much, and when, never whom.
    const record = await call<{ revocations: unknown[] }>('lesson-governance', 'GET', '/v1/admin/revocations', KEYS.admin);
    expect(record.text).not.toContain(ERIN);
    expect(record.text).not.toContain(ERIN_STORED);
    // Nothing is left to export.
    const afterwards = await exportOf(ERIN);
    expect([afterwards.sessions.length, afterwards.lessons.length, afterwards.servings.length]).toEqual([0, 0, 0]);

    // Scan: the SESSIONS store files, every Postgres table, the sessions API.
    const db = new Client({ connectionString: pg.url });
    await db.connect();
    try {
      const tables = (await db.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`)).rows.map((r: { table_name: string }) => r.table_name);
      const rows: string[] = [];
      for (const t of tables) rows.push(...(await db.query(`SELECT t::text AS row FROM "${t}" t`)).rows.map((r: { row: string }) => `${t}: ${r.row}`));
      const dump = rows.join('\n');
      expect(dump).toContain('ana-1'); // the dump did read the rows
      const sessionsApi = (await call('session-ingest', 'GET', '/v1/sessions?limit=500', KEYS.admin)).text;
      const lessonsApi = (await call('lesson-governance', 'GET', `${ROUTES.lessons}?limit=500`, KEYS.admin)).text + (await call('lesson-governance', 'GET', ROUTES.lesson(lesson.id), KEYS.admin)).text;
      const storeFiles = filesUnder(storeDir).map((f) => f.text).join('\n');
      for (const [where, text] of [['JetStream store (every stream)', storeFiles], ['Postgres', dump], ['sessions API', sessionsApi], ['lessons API', lessonsApi]] as const) {
        expect({ where, found: [...MARKERS, ERIN, ERIN_STORED].filter((m) => text.includes(m)) }).toEqual({ where, found: [] });
      }
      expect(sessionsApi).not.toContain('erin-1');

      // A replay of the whole log: every projection rebuilt from its stream holds nothing of Erin either.
      const ds = apps['lesson-governance'].app.get<DataSource>(DATA_SOURCE);
      const rebuilt = [
        await rebuildProjection({ store, dataSource: ds, stream: 'lessons', parser: lessonsStreamEventSchema, projection: governanceLessonsProjection, reset: resetGovernanceLessons }),
        await rebuildProjection({ store, dataSource: ds, stream: 'dreams', parser: dreamEventSchema, projection: governanceDreamsProjection, reset: resetGovernanceDreams }),
        await rebuildProjection({ store, dataSource: ds, stream: 'lessons', parser: lessonsStreamEventSchema, projection: activeLessonsProjection, reset: resetActiveLessons }),
        await rebuildProjection({ store, dataSource: ds, stream: 'lessons', parser: lessonsStreamEventSchema, projection: lessonIndexProjection, reset: async (m) => { await m.query('DELETE FROM dreaming_lesson_index'); await m.query('DELETE FROM dreaming_quarantine'); } }),
        await rebuildProjection({ store, dataSource: ds, stream: 'sessions', parser: sessionEventSchema, projection: sessionsProjection, reset: async (m) => { await m.query('DELETE FROM ingest_sessions'); } }),
      ];
      expect(rebuilt.every((r) => r.events > 0)).toBe(true);
      const replayed: string[] = [];
      for (const t of tables) replayed.push(...(await db.query(`SELECT t::text AS row FROM "${t}" t`)).rows.map((r: { row: string }) => `${t}: ${r.row}`));
      expect(replayed.join('\n')).toContain(preference.id); // the rebuilt rows are there
      expect({ where: 'Postgres after a replay', found: [...MARKERS, ERIN, ERIN_STORED].filter((m) => replayed.join('\n').includes(m)) }).toEqual({ where: 'Postgres after a replay', found: [] });
      const replayedApi = (await call('lesson-governance', 'GET', `${ROUTES.lessons}?limit=500`, KEYS.admin)).text;
      expect({ where: 'lessons API after a replay', found: [...MARKERS, ERIN, ERIN_STORED].filter((m) => replayedApi.includes(m)) }).toEqual({ where: 'lessons API after a replay', found: [] });
    } finally {
      await db.end();
    }
  });

  it('erases a tenant\'s sessions once they are older than its retention, as an erasure, and records it', async () => {
    const events = session('old-1', 'olga', 5, true);
    expect((await call('session-ingest', 'POST', ROUTES.ingestEvents, KEYS.old, { events })).status).toBe(202);
    const cipher = apps['session-ingest'].app.get<SessionCipher>(SESSION_CIPHER);
    const store = new EventStore(nc, topology(''));
    const read = async () => JSON.stringify(await cipher.open('shortlived', (await store.readAggregate<SessionEvent>('sessions', 'shortlived', 'old-1')).events.map((e) => e.event)));
    expect(await read()).toContain(MARKERS[0]);
    await new Promise((r) => setTimeout(r, 1200));
    const done = await apps['session-ingest'].app.get(RetentionJob).tick();
    expect(done).toEqual([expect.objectContaining({ scope: { users: 0, sessions: 1 }, artifacts: expect.objectContaining({ sessionKeys: 1 }) })]);
    expect(await read()).not.toContain(MARKERS[0]);
    expect(await read()).toContain('[erased]');
    // acme keeps its content (no retention set for it).
    expect(await apps['session-ingest'].app.get(RetentionJob).tick()).toEqual([]);
    const record = await call<{ erasures: { reason: string; scope: object }[] }>('lesson-governance', 'GET', '/v1/admin/revocations', KEYS.oldAdmin);
    expect(record.body.erasures).toEqual([expect.objectContaining({ reason: 'retention: session content older than 0.00001 days', scope: { users: 0, sessions: 1 } })]);
  });
});

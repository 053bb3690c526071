import { lessonEventSchema, lessonsStreamEventSchema, newId, servingEventSchema, type LessonClaim } from '@reverie/contracts';
import type { SessionCipher } from '@reverie/content-crypto';
import { CONSUMERS, EventStore, rebuildProjection } from '@reverie/event-store';
import { decide, evolveAll, toEnvelopes, type LessonCommand } from '@reverie/lesson-domain';
import { createDataSource } from '@reverie/persistence';
import { SESSION_CIPHER, type ServiceHandle } from '@reverie/service-kit';
import { eventually, natsTestEnv, operatorKeys, pgTestEnv, type NatsTestEnv, type PgTestEnv } from '@reverie/testing';
import type { DataSource } from 'typeorm';
import { createApp } from '../apps/agent-serving/src/app.factory';
import { loadServingConfig } from '../apps/agent-serving/src/config/serving.config';
import { activeLessonsProjection, resetActiveLessons } from '../apps/agent-serving/src/lessons/active-lessons.projection';
import { resetServedLog, servedLogProjection } from '../apps/agent-serving/src/forensics/served-log.projection';
import { ServingForensics, type BlastRadius, type ServedAt } from '../apps/agent-serving/src/forensics/serving-forensics';
import { cliConfig } from '../apps/cli/src/cli-config';
import { investigateAgentCommand } from '../apps/cli/src/commands/investigate.command';

const { keys: KEYS, REVERIE_API_KEYS } = operatorKeys({ agent: { tenant: 'acme', roles: 'agent' }, reviewer: { tenant: 'acme', roles: 'reviewer' } });
const tick = () => new Promise((r) => setTimeout(r, 30));

describe('forensics: what an agent was served at a time, where a lesson went (real NATS and Postgres; a replay gives the same answers)', () => {
  let nats: NatsTestEnv;
  let pg: PgTestEnv;
  let fresh: PgTestEnv;
  let store: EventStore;
  let serving: ServiceHandle;
  let ds: DataSource;
  const lessonId = newId();

  const append = async (command: LessonCommand) => {
    const { events, lastSeq } = await store.readAggregate('lessons', 'acme', lessonId);
    await store.appendToAggregate('lessons', toEnvelopes('acme', lessonId, decide(command, evolveAll(events.map((e) => lessonEventSchema.parse(e.event)))), command.metadata, () => newId()), lastSeq);
  };
  const meta = (kind: 'service' | 'reviewer', id: string) => ({ now: new Date().toISOString(), actor: { kind, id }, correlationId: newId() });
  const get = async <T>(path: string, key: string) => {
    const res = await fetch(`${serving.url}${path}`, { headers: { 'x-api-key': key } });
    return { status: res.status, body: (await res.json()) as T };
  };
  const serve = async (sessionId: string) => (await get<{ lessons: { id: string; version: number }[] }>(`/v1/agents/coder/lessons?sessionId=${sessionId}`, KEYS.agent.key)).body.lessons;
  const servedVersion = async (version: number | undefined) => eventually(async () => {
    const lessons = await serve(`probe-${newId()}`);
    return (version === undefined ? lessons.length === 0 : lessons[0]?.version === version) || undefined;
  }, { what: `version ${version} served` });

  beforeAll(async () => {
    nats = await natsTestEnv({ consumers: CONSUMERS });
    pg = await pgTestEnv();
    store = new EventStore(nats.nc, nats.topology);
    serving = await createApp(loadServingConfig({ NATS_URL: 'nats://127.0.0.1:4222', DATABASE_URL: pg.url, REVERIE_NAMESPACE: nats.topology.namespace, PORT: '0', LOG_LEVEL: 'silent', REVERIE_API_KEYS, REVERIE_RATE_LIMIT_PER_MINUTE: '0' }), { handleSignals: false });
    ds = createDataSource({ url: pg.url, poolSize: 2 });
    await ds.initialize();
  });

  afterAll(async () => {
    await serving?.shutdown();
    await ds?.destroy();
    await nats?.cleanup();
    await pg?.cleanup();
    await fresh?.cleanup();
  });

  it('answers what coder was served at each moment, with the text as it was, and every session the lesson reached; a rebuild answers the same', async () => {
    const claim: LessonClaim = {
      kind: 'mistake', scope: { tenantId: 'acme', agentId: 'coder' }, text: 'Version one: build before publishing.', fingerprint: 'fp-forensics', effectSize: null, confidence: 0.6,
      support: { sessions: 3, distinctUsers: 2, occurrences: 3, firstSeen: '2026-11-01T00:00:00.000Z', lastSeen: '2026-11-02T00:00:00.000Z' }, evidence: { refs: [], counts: {} },
    };
    await append({ type: 'ProposeLesson', data: { ...claim, dreamId: 'd-1', policyCheck: { verdict: 'pass', violations: [] } }, metadata: meta('service', 'dreaming') });
    await append({ type: 'ApproveLesson', data: {}, metadata: meta('reviewer', 'rita') });
    await servedVersion(1);
    expect((await serve('s1'))[0]).toMatchObject({ id: lessonId, version: 1 });
    await tick();
    const t1 = new Date().toISOString();
    await tick();
    await append({ type: 'EditLesson', data: { text: 'Version two: run `npm run build` before `npm publish`.', policyCheck: { verdict: 'pass', violations: [] } }, metadata: meta('reviewer', 'eve') });
    await append({ type: 'ApproveLesson', data: {}, metadata: meta('reviewer', 'rita') });
    await servedVersion(2);
    expect((await serve('s2'))[0]).toMatchObject({ version: 2 });
    await tick();
    const t2 = new Date().toISOString();
    await tick();
    await append({ type: 'RetireLesson', data: { reason: 'obsolete' }, metadata: meta('reviewer', 'rita') });
    await servedVersion(undefined);
    expect(await serve('s3')).toEqual([]);
    await tick();
    const t3 = new Date().toISOString();

    const at = async (t: string, session?: string) => {
      const r = await get<ServedAt>(`/v1/agents/coder/served?at=${encodeURIComponent(t)}${session ? `&sessionId=${session}` : ''}`, KEYS.reviewer.key);
      expect(r.status).toBe(200);
      return r.body;
    };
    const answers = await eventually(async () => {
      const a = [await at(t1, 's1'), await at(t2, 's2'), await at(t3, 's3'), await at(t3)];
      return a.every((x) => x.answer) ? a : undefined;
    }, { what: 'the servings projected' });
    expect(answers[0]).toMatchObject({ answer: { sessionId: 's1', lessons: [{ lessonId, version: 1, arm: 'served', text: 'Version one: build before publishing.' }] }, liveThen: [{ lessonId, version: 1, text: 'Version one: build before publishing.' }] });
    expect(answers[1]).toMatchObject({ answer: { sessionId: 's2', lessons: [{ lessonId, version: 2, text: 'Version two: run `npm run build` before `npm publish`.' }] }, liveThen: [{ version: 2 }] });
    expect(answers[1].liveThen).toHaveLength(1);
    expect(answers[2]).toMatchObject({ answer: { sessionId: 's3', lessons: [] }, liveThen: [] });
    expect(answers[3].answer?.sessionId).toBe('s3');

    // The CLI answers the same (`reverie investigate agent coder --at … --session s1`).
    let printed: unknown;
    await investigateAgentCommand(cliConfig({ REVERIE_API_KEY: KEYS.reviewer.key, REVERIE_SERVING_URL: serving.url, XDG_CONFIG_HOME: '/nonexistent' }), { json: true, result: (v) => { printed = v; }, note: () => undefined }, 'coder', { at: t1, session: 's1' });
    expect(printed).toEqual(answers[0]);

    const radius = (await get<BlastRadius>(`/v1/lessons/${lessonId}/servings`, KEYS.reviewer.key)).body;
    expect(radius).toMatchObject({ lessonId, agents: ['coder'], versions: [{ version: 1, liveUntil: expect.any(String) }, { version: 2, liveUntil: expect.any(String) }] });
    expect(radius.sessions.filter((s) => ['s1', 's2'].includes(s.sessionId)).map((s) => [s.sessionId, s.arm, s.versions])).toEqual([['s1', 'served', [1]], ['s2', 'served', [2]]]);
    expect(radius.sessions.some((s) => s.sessionId === 's3')).toBe(false);
    expect((await get(`/v1/lessons/${lessonId}/servings`, KEYS.agent.key)).status).toBe(403);
    expect((await get('/v1/agents/coder/served?at=yesterday-ish', KEYS.reviewer.key)).status).toBe(400);

    // A replay of LESSONS and SERVING into a fresh database answers the same.
    fresh = await pgTestEnv();
    const freshDs = createDataSource({ url: fresh.url, poolSize: 2 });
    await freshDs.initialize();
    try {
      await rebuildProjection({ store, dataSource: freshDs, stream: 'lessons', parser: lessonsStreamEventSchema, projection: activeLessonsProjection, reset: resetActiveLessons });
      await rebuildProjection({ store, dataSource: freshDs, stream: 'serving', parser: servingEventSchema, projection: servedLogProjection, reset: resetServedLog });
      const replayed = new ServingForensics(freshDs, serving.app.get<SessionCipher>(SESSION_CIPHER));
      expect([
        await replayed.servedAt('acme', 'coder', t1, 's1'), await replayed.servedAt('acme', 'coder', t2, 's2'),
        await replayed.servedAt('acme', 'coder', t3, 's3'), await replayed.servedAt('acme', 'coder', t3),
      ]).toEqual(answers);
      expect(await replayed.blastRadius('acme', lessonId)).toEqual((await get<BlastRadius>(`/v1/lessons/${lessonId}/servings`, KEYS.reviewer.key)).body);
    } finally {
      await freshDs.destroy();
    }
  });
});

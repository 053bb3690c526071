/**
 * Does a lesson change what the agent does? Over the real services on NATS and Postgres: a dream
 * learns "build before publish" from sessions that failed without it; once approved, agent-serving
 * holds it out of a share of sessions (the randomized holdout); an agent that follows the lesson
 * when it is served stops making the mistake; the next dream measures the lesson in both arms and
 * lesson-governance shows the verdict. A lesson measured harmful is withdrawn where the tenant's
 * policy says so.
 */
import { newId, ROUTES, type DreamView, type LessonView, type SessionEvent } from '@reverie/contracts';
import { SessionBuilder } from '@reverie/dreaming-domain';
import { CONSUMERS, EventStore } from '@reverie/event-store';
import { createLogger, type ServiceHandle } from '@reverie/service-kit';
import { eventually, natsTestEnv, operatorKeys, pgTestEnv, type NatsTestEnv, type PgTestEnv } from '@reverie/testing';
import { SERVICE_NAMES, type ServiceName } from '@reverie/contracts';
import { createApp as createServing } from '../apps/agent-serving/src/app.factory';
import { loadServingConfig } from '../apps/agent-serving/src/config/serving.config';
import { cliConfig } from '../apps/cli/src/cli-config';
import { lessonsEfficacyCommand } from '../apps/cli/src/commands/lessons.command';
import { createApp as createDreaming } from '../apps/dreaming/src/app.factory';
import { loadDreamingConfig } from '../apps/dreaming/src/config/dreaming.config';
import { createApp as createGovernance } from '../apps/lesson-governance/src/app.factory';
import { loadGovernanceConfig } from '../apps/lesson-governance/src/config/governance.config';
import { LessonClock } from '../apps/lesson-governance/src/lessons/lesson-clock.service';
import { createApp as createIngest } from '../apps/session-ingest/src/app.factory';
import { loadIngestConfig } from '../apps/session-ingest/src/config/ingest.config';

jest.setTimeout(180_000);

const { keys: KEYS, REVERIE_API_KEYS } = operatorKeys({
  ingestA: { tenant: 'acme', roles: 'ingest' }, ingestB: { tenant: 'acme', roles: 'ingest' },
  admin: { tenant: 'acme', roles: 'admin+reviewer' }, approver: { tenant: 'acme', roles: 'approver' }, agent: { tenant: 'acme', roles: 'agent' },
});

/** One session of the release agent: without the lesson it publishes first and fails; with it, it builds first. */
const session = (id: string, user: string, day: number, followsLesson: boolean): SessionEvent[] => {
  const b = new SessionBuilder('acme', id, 'release-bot', user, Date.UTC(2026, 10, day, 9));
  b.start('Publish the package');
  if (!followsLesson) b.tool('Bash', { command: 'npm publish' }, "npm ERR! enoent ENOENT: no such file or directory, open 'dist/index.js'", true);
  b.tool('Bash', { command: 'npm run build' }, 'built dist/ in 1.2s', false);
  b.tool('Bash', { command: 'npm publish' }, '+ pkg@1.0.0', false);
  return b.end('success').map(({ tenantId: _t, recordedAt: _r, ...e }) => e as SessionEvent);
};

describe('efficacy: a lesson measured in the sessions served it against those held out of it', () => {
  let nats: NatsTestEnv;
  let pg: PgTestEnv;
  const apps = {} as Record<ServiceName, ServiceHandle>;
  const call = async <T>(service: ServiceName, method: string, route: string, key: string, body?: unknown) => {
    const res = await fetch(`${apps[service].url}${route}`, { method, headers: { 'x-api-key': key, ...(body !== undefined && { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  const ingest = async (events: SessionEvent[], key = KEYS.ingestA.key) => expect((await call('session-ingest', 'POST', ROUTES.ingestEvents, key, { events })).status).toBe(202);
  const dream = async () => {
    const requested = await call<DreamView>('dreaming', 'POST', ROUTES.dreams, KEYS.admin.key, { trigger: 'manual' });
    return eventually(async () => {
      const d = (await call<DreamView>('dreaming', 'GET', ROUTES.dream(requested.body.id), KEYS.admin.key)).body;
      return d.status === 'completed' ? d : undefined;
    }, { what: 'the dream', timeoutMs: 60_000 });
  };

  beforeAll(async () => {
    nats = await natsTestEnv({ consumers: CONSUMERS });
    pg = await pgTestEnv();
    const env = {
      NATS_URL: 'nats://127.0.0.1:4222', DATABASE_URL: pg.url, REVERIE_NAMESPACE: nats.topology.namespace, PORT: '0', LOG_LEVEL: 'silent', REVERIE_API_KEYS,
      GOVERNANCE_CLOCK_SECONDS: '0', REVERIE_HOLDOUT_SHARE: 'acme:0.4', REVERIE_RATE_LIMIT_PER_MINUTE: '0',
    };
    const logger = (s: ServiceName) => createLogger(s, 'silent');
    apps['session-ingest'] = await createIngest(loadIngestConfig(env), { handleSignals: false, logger: logger('session-ingest') });
    apps['lesson-governance'] = await createGovernance(loadGovernanceConfig(env), { handleSignals: false, logger: logger('lesson-governance') });
    apps.dreaming = await createDreaming(loadDreamingConfig(env), { handleSignals: false, logger: logger('dreaming') });
    apps['agent-serving'] = await createServing(loadServingConfig(env), { handleSignals: false, logger: logger('agent-serving') });
  });

  afterAll(async () => {
    for (const s of [...SERVICE_NAMES].reverse()) await apps[s]?.shutdown('test done');
    await nats?.cleanup();
    await pg?.cleanup();
  });

  it('measures that the lesson helps: its mistake recurs in the held-out sessions, not in the served ones', async () => {
    // Before any lesson: six sessions by six users (two ingesting keys) publish first and fail.
    for (let i = 0; i < 6; i++) await ingest(session(`before-${i}`, `user-${i}`, 1 + i, false), i % 2 ? KEYS.ingestB.key : KEYS.ingestA.key);
    const first = await dream();
    const lesson = await eventually(async () => {
      const all = (await call<LessonView[]>('lesson-governance', 'GET', `${ROUTES.lessons}?limit=500`, KEYS.admin.key)).body;
      return all.find((l) => first.proposedLessonIds.includes(l.id) && l.status === 'in-review' && /npm run build/.test(l.text));
    }, { what: 'the lesson in review' });
    expect((await call<LessonView>('lesson-governance', 'POST', ROUTES.approveLesson(lesson.id), KEYS.approver.key, {})).body.status).toBe('active');
    await eventually(async () => (await call<{ lessons: { id: string }[] }>('agent-serving', 'GET', ROUTES.agentLessons('release-bot'), KEYS.agent.key)).body.lessons.length === 1, { what: 'served' });

    // Sixty sessions: each asks for its lessons first; the agent follows the lesson when it is served it.
    const arms = { served: 0, heldOut: 0 };
    for (let i = 0; i < 60; i++) {
      const sessionId = `after-${i}`;
      const answer = (await call<{ lessons: { id: string }[] }>('agent-serving', 'GET', `${ROUTES.agentLessons('release-bot')}?sessionId=${sessionId}`, KEYS.agent.key)).body;
      const served = answer.lessons.some((l) => l.id === lesson.id);
      arms[served ? 'served' : 'heldOut']++;
      await ingest(session(sessionId, `user-${i % 10}`, 10 + (i % 15), served), i % 2 ? KEYS.ingestB.key : KEYS.ingestA.key);
    }
    expect(arms.heldOut).toBeGreaterThanOrEqual(20); // the 40% holdout
    expect(arms.served).toBeGreaterThanOrEqual(20);

    const second = await dream();
    expect(second.status).toBe('completed');
    const measured = await eventually(async () => {
      const l = (await call<LessonView>('lesson-governance', 'GET', ROUTES.lesson(lesson.id), KEYS.admin.key)).body;
      return l.efficacy ? l : undefined;
    }, { what: 'the efficacy projected' });
    expect(measured.efficacy).toMatchObject({
      version: 1, verdict: 'helps', dreamId: second.id,
      served: { sessions: arms.served, recurred: 0, failed: 0 },
      control: { sessions: arms.heldOut, recurred: arms.heldOut, failed: 0 },
      effect: 1, rollBack: false,
    });
    expect(measured.efficacy!.interval[0]).toBeGreaterThan(0.7);

    // The CLI shows it as a reviewer reads it.
    let printed: unknown;
    await lessonsEfficacyCommand(cliConfig({ REVERIE_API_KEY: KEYS.admin.key, REVERIE_GOVERNANCE_URL: apps['lesson-governance'].url, XDG_CONFIG_HOME: '/nonexistent' }), { json: true, result: (v) => { printed = v; }, note: () => undefined });
    expect(printed).toEqual([expect.objectContaining({ id: lesson.id, efficacy: expect.objectContaining({ verdict: 'helps' }) })]);

    // A measurement of harm beyond doubt withdraws the lesson to review, but only where the tenant's policy says so.
    const store = new EventStore(nats.nc, nats.topology);
    const dreamId = newId();
    const at = new Date().toISOString();
    const envelope = (type: string, data: unknown) => ({ id: newId(), type, schemaVersion: 1, tenantId: 'acme', streamId: dreamId, occurredAt: at, recordedAt: at, actor: { kind: 'service', id: 'dreaming' }, correlationId: dreamId, data });
    await store.appendToAggregate('dreams', [
      envelope('DreamRequested', { trigger: 'manual', requestedBy: 'test' }),
      envelope('DreamStarted', { window: { fromSeq: 0, toSeq: 0 }, analyzerVersion: 'test', thresholds: {}, synthesizer: 'template' }),
      envelope('DreamCompleted', {
        counts: {}, tokens: { input: 0, output: 0 }, durationMs: 1, proposedLessonIds: [], reinforcedLessonIds: [],
        efficacy: [{ lessonId: lesson.id, version: 1, served: { sessions: 300, recurred: 30, failed: 150 }, control: { sessions: 100, recurred: 40, failed: 10 }, effect: 0.3, interval: [0.2, 0.4], pHelps: 0, pHarms: 0, verdict: 'harms', rollBack: true }],
      }),
    ] as never, 0);
    await eventually(async () => (await call<LessonView>('lesson-governance', 'GET', ROUTES.lesson(lesson.id), KEYS.admin.key)).body.efficacy?.verdict === 'harms', { what: 'the harm projected' });
    const clock = apps['lesson-governance'].app.get(LessonClock);
    expect(await clock.tick()).toEqual([]);
    expect((await call('lesson-governance', 'PATCH', ROUTES.policy, KEYS.admin.key, { efficacy: { autoRollback: 'harmful' } })).status).toBe(200);
    expect(await clock.tick()).toEqual([expect.objectContaining({ lessonId: lesson.id, command: 'RollBackLesson', reason: expect.stringMatching(/^efficacy: sessions served version 1 failed more \(150\/300 against 10\/100 not served/) })]);
    await eventually(async () => (await call<LessonView>('lesson-governance', 'GET', ROUTES.lesson(lesson.id), KEYS.admin.key)).body.status === 'in-review', { what: 'the withdrawal projected' });
    expect(await clock.tick()).toEqual([]);
  });
});

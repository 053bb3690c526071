import { lessonEventSchema, LessonsServed, newId, type LessonClaim, type ServedLesson } from '@reverie/contracts';
import { CONSUMERS, EventStore, rebuildProjection } from '@reverie/event-store';
import { decide as decideLesson, evolveAll, textHashOf, toEnvelopes, type LessonCommand } from '@reverie/lesson-domain';
import { createDataSource } from '@reverie/persistence';
import type { ServiceHandle } from '@reverie/service-kit';
import { eventually, natsTestEnv, pgTestEnv, type NatsTestEnv, type PgTestEnv, operatorKeys } from '@reverie/testing';
import type { DataSource } from 'typeorm';
import { createApp } from './app.factory';
import { loadServingConfig } from './config/serving.config';
import { activeLessonsProjection, resetActiveLessons } from './lessons/active-lessons.projection';
import { estimateTokens } from './lessons/lesson-ranking';
import { SERVED_EVENT_HEADER } from './lessons/agent-lessons.controller';
import { jetstreamManager } from '@nats-io/jetstream';

/** Operator keys per tenant and role; an operator key's actor id is `key:env-<its position>` (service-kit). */
const { keys: KEYS, REVERIE_API_KEYS } = operatorKeys({
  acmeAgent: { tenant: 'acme', roles: 'agent' },
  acmeReviewer: { tenant: 'acme', roles: 'reviewer' },
  globexAgent: { tenant: 'globex', roles: 'agent' },
  globexReviewer: { tenant: 'globex', roles: 'reviewer+approver' },
  initechAgent: { tenant: 'initech', roles: 'agent' },
  acmeIngest: { tenant: 'acme', roles: 'ingest' },
});
type KeyName = keyof typeof KEYS;
const AGENT_OF: Record<string, KeyName> = { acme: 'acmeAgent', globex: 'globexAgent', initech: 'initechAgent' };

const claim = (tenantId: string, text: string, agentId?: string): LessonClaim => ({
  kind: 'mistake',
  scope: { tenantId, ...(agentId && { agentId }) },
  text,
  fingerprint: `fp-${text}`,
  support: { sessions: 4, distinctUsers: 2, occurrences: 6, firstSeen: '2025-02-01T00:00:00.000Z', lastSeen: '2025-02-20T00:00:00.000Z' },
  effectSize: null,
  confidence: 0.8,
  evidence: { refs: [{ tenantId, sessionId: 's1', eventId: 'e1' }], counts: { errors: 6 } },
});

describe('agent-serving (real NATS and Postgres, decisions appended through the lesson decider)', () => {
  let nats: NatsTestEnv;
  let pg: PgTestEnv;
  let store: EventStore;
  let serving: ServiceHandle;
  let ds: DataSource;
  // forCoder: scoped to agent coder; tenantWide: every agent of acme; rejected: never served; otherTenant: coder in tenant globex.
  const ids = { forCoder: newId(), tenantWide: newId(), rejected: newId(), otherTenant: newId() };

  const propose = async (tenantId: string, lessonId: string, text: string, agentId?: string) => {
    // As governance records a dream's proposal: the claim and the guardrails' pass.
    const [event, checked] = toEnvelopes(tenantId, lessonId, [
      { type: 'LessonProposed', data: { ...claim(tenantId, text, agentId), dreamId: 'dream-1' } },
      { type: 'LessonPolicyChecked', data: { textVersion: 1, textHash: textHashOf(text), verdict: 'pass', violations: [] } },
    ], { now: new Date().toISOString(), actor: { kind: 'service', id: 'dreaming' }, correlationId: 'dream-1' }, () => newId());
    await store.append('lessons', event, { expectedLastSubjectSeq: 0 });
    await store.append('lessons', checked);
  };
  // As lesson-governance decides (its HTTP path is covered by its own tests and the e2e test):
  // fold the lesson's events, run the decider, append with the expected sequence.
  const decide = async (tenantId: string, lessonId: string, verb: 'approve' | 'reject' | 'retire', body: Record<string, string>) => {
    const { events, lastSeq } = await store.readAggregate('lessons', tenantId, lessonId);
    const actorId = body.reviewer ?? body.by;
    const metadata = { now: new Date().toISOString(), actor: { kind: 'reviewer' as const, id: actorId }, correlationId: newId() };
    const command: LessonCommand = verb === 'approve'
      ? { type: 'ApproveLesson', data: { note: body.note }, metadata }
      : verb === 'reject' ? { type: 'RejectLesson', data: { reason: body.reason }, metadata } : { type: 'RetireLesson', data: { reason: body.reason }, metadata };
    const records = decideLesson(command, evolveAll(events.map((e) => lessonEventSchema.parse(e.event))));
    await store.appendToAggregate('lessons', toEnvelopes(tenantId, lessonId, records, metadata, () => newId()), lastSeq);
  };
  /** GET an agent's lessons with a key (by name, or raw; null: none). */
  const get = async (key: KeyName | { raw: string } | null, agentId: string, query = '', headers: Record<string, string> = {}) => {
    const credential = key === null ? undefined : typeof key === 'string' ? KEYS[key].key : key.raw;
    const res = await fetch(`${serving.url}/v1/agents/${agentId}/lessons${query}`, { headers: { ...headers, ...(credential !== undefined && { 'x-api-key': credential }) } });
    return {
      status: res.status, eventId: res.headers.get(SERVED_EVENT_HEADER), type: res.headers.get('content-type'), authenticate: res.headers.get('www-authenticate'),
      body: (await res.json()) as { agentId: string; lessons: ServedLesson[]; detail?: string },
    };
  };
  /** As the tenant's agent key. */
  const served = (tenantId: string, agentId: string, query = '') => get(AGENT_OF[tenantId], agentId, query);
  const servingEvents = async (tenantId: string, agentId: string) => (await store.readAggregate('serving', tenantId, agentId)).events.map((e) => LessonsServed.parse(e.event));
  const servedIds = async (tenantId: string, agentId: string) => (await served(tenantId, agentId)).body.lessons.map((l) => l.id).sort();

  beforeAll(async () => {
    nats = await natsTestEnv({ consumers: CONSUMERS });
    pg = await pgTestEnv();
    store = new EventStore(nats.nc, nats.topology);
    const env = { NATS_URL: 'nats://127.0.0.1:4222', DATABASE_URL: pg.url, REVERIE_NAMESPACE: nats.topology.namespace, PORT: '0', LOG_LEVEL: 'silent', REVERIE_API_KEYS };
    serving = await createApp(loadServingConfig(env), { handleSignals: false });
    ds = createDataSource({ url: pg.url, poolSize: 2 });
    await ds.initialize();
    await propose('acme', ids.forCoder, 'for coder', 'coder');
    await propose('acme', ids.tenantWide, 'for everyone');
    await propose('acme', ids.rejected, 'rejected one', 'coder');
    await propose('globex', ids.otherTenant, 'other tenant', 'coder');
  });

  afterAll(async () => {
    await serving?.shutdown();
    await ds?.destroy();
    await nats?.cleanup();
    await pg?.cleanup();
  });

  it('answers 401 problem+json with www-authenticate without a credential or with an unknown one, and records nothing', async () => {
    for (const key of [null, { raw: 'acme-agent-key-9999' }]) {
      const res = await get(key, 'coder');
      expect(res).toMatchObject({ status: 401, authenticate: 'Bearer', eventId: null, body: { status: 401 } });
      expect(res.type).toContain('application/problem+json');
    }
    expect(await servingEvents('acme', 'coder')).toEqual([]);
  });

  it('answers 403 to a key without a serving role (ingest), and records nothing', async () => {
    const res = await get('acmeIngest', 'coder');
    expect(res).toMatchObject({ status: 403, eventId: null, body: { detail: expect.stringMatching(/this needs one of the roles agent, reviewer, approver, admin/) } });
    expect(res.type).toContain('application/problem+json');
    expect(await servingEvents('acme', 'coder')).toEqual([]);
  });

  it('serves nothing before any approval, and still records the serving', async () => {
    const res = await served('acme', 'coder');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ agentId: 'coder', lessons: [], budget: { budgetTokens: 2000, usedTokens: 0, omitted: 0, nextBest: [] } });
    expect(res.eventId).toBeTruthy();
  });

  it('serves an approval soon after it is decided, with its version', async () => {
    const started = Date.now();
    await decide('acme', ids.forCoder, 'approve', { reviewer: 'alice' });
    const lessons = await eventually(async () => {
      const l = (await served('acme', 'coder')).body.lessons;
      return l.length > 0 && l;
    }, { timeoutMs: 5000, intervalMs: 10, what: 'the approved lesson to be served' });
    // Reported, not asserted: the latency figures belong to bench/serving-latency.
    process.stdout.write(`agent-serving: approve → served in ${Date.now() - started} ms\n`);
    expect(lessons).toEqual([expect.objectContaining({ id: ids.forCoder, kind: 'mistake', text: 'for coder', version: 1, scope: { tenantId: 'acme', agentId: 'coder' }, stage: 'active' })]);
  });

  it('serves the agent its own and tenant-wide lessons, never rejected ones or another tenant\'s', async () => {
    await decide('acme', ids.tenantWide, 'approve', { reviewer: 'alice' });
    await decide('acme', ids.rejected, 'reject', { reviewer: 'alice', reason: 'wrong' });
    await decide('globex', ids.otherTenant, 'approve', { reviewer: 'olga' });
    await eventually(async () => (await servedIds('globex', 'coder')).length === 1, { timeoutMs: 5000, what: 'the other tenant\'s approval' });
    expect(await servedIds('acme', 'coder')).toEqual([ids.forCoder, ids.tenantWide].sort());
    expect(await servedIds('acme', 'reviewer-bot')).toEqual([ids.tenantWide]);
    expect(await servedIds('globex', 'coder')).toEqual([ids.otherTenant]);
    // A tenant with no approved lessons is served none, not another tenant's.
    expect(await servedIds('initech', 'coder')).toEqual([]);
  });

  it('serves the key\'s tenant whatever x-reverie-tenant says, never a byte of another tenant\'s lessons', async () => {
    const spoofed = await get('globexAgent', 'coder', '', { 'x-reverie-tenant': 'acme' });
    expect(spoofed.status).toBe(200);
    expect(spoofed.body.lessons.map((l) => l.id)).toEqual([ids.otherTenant]);
    expect(JSON.stringify(spoofed.body)).not.toMatch(/for coder|for everyone|"acme"/);
    const initech = await get('initechAgent', 'coder', '', { 'x-reverie-tenant': 'acme' });
    expect(initech.body).toMatchObject({ agentId: 'coder', lessons: [] });
    // What globex's agent was served is recorded under globex, never under acme.
    expect((await servingEvents('acme', 'coder')).some((e) => e.id === spoofed.eventId)).toBe(false);
    expect((await servingEvents('globex', 'coder')).find((e) => e.id === spoofed.eventId)).toMatchObject({ tenantId: 'globex', actor: { id: KEYS.globexAgent.actor } });
  });

  it('lets a reviewer see what an agent is served, recorded as the reviewer\'s look', async () => {
    const res = await get('acmeReviewer', 'coder');
    expect(res.status).toBe(200);
    expect(res.body.lessons.map((l) => l.id).sort()).toEqual([ids.forCoder, ids.tenantWide].sort());
    const recorded = (await servingEvents('acme', 'coder')).find((e) => e.id === res.eventId);
    expect(recorded).toMatchObject({ streamId: 'coder', actor: { kind: 'service', id: KEYS.acmeReviewer.actor }, data: { agentId: 'coder' } });
  });

  it('records each answer as LessonsServed on SERVING with lesson ids, versions and the session', async () => {
    const res = await served('acme', 'coder', '?sessionId=sess-42');
    const { events } = await store.readAggregate('serving', 'acme', 'coder');
    const recorded = events.map((e) => LessonsServed.parse(e.event)).find((e) => e.id === res.eventId);
    // The actor is who asked, as its credential says: the agent's key, not the agent id the path named.
    expect(recorded).toMatchObject({ type: 'LessonsServed', tenantId: 'acme', streamId: 'coder', actor: { kind: 'service', id: KEYS.acmeAgent.actor } });
    expect(recorded?.data.sessionId).toBe('sess-42');
    expect(recorded?.data.lessons.sort((a, b) => a.lessonId.localeCompare(b.lessonId))).toEqual(
      res.body.lessons.map((l) => ({ lessonId: l.id, version: l.version, stage: 'active' })).sort((a, b) => a.lessonId.localeCompare(b.lessonId)),
    );
    expect(recorded?.data.lessons).toHaveLength(2);
    // No answer under acme ever mentioned the other tenant's lesson.
    const mentioned = events.flatMap((e) => LessonsServed.parse(e.event).data.lessons.map((l) => l.lessonId));
    expect(mentioned).toContain(ids.tenantWide);
    expect(mentioned).not.toContain(ids.otherTenant);
  });

  it('ranks for the task at hand and keeps within the budget; only what was handed over is recorded as served', async () => {
    // Written for this agent first; a task in the tenant-wide lesson's words puts that one first.
    expect((await served('acme', 'coder')).body.lessons.map((l) => l.id)).toEqual([ids.forCoder, ids.tenantWide]);
    const forTask = await served('acme', 'coder', `?task=${encodeURIComponent('a change that everyone will see')}&tools=Bash,Read`);
    expect(forTask.body.lessons.map((l) => l.id)).toEqual([ids.tenantWide, ids.forCoder]);
    const budget = estimateTokens('for coder');
    const one = await served('acme', 'coder', `?sessionId=sess-budget&budget=${budget}`);
    expect(one.body).toMatchObject({ lessons: [{ id: ids.forCoder }], budget: { budgetTokens: budget, usedTokens: budget, omitted: 1, nextBest: [{ id: ids.tenantWide }] } });
    const recorded = (await servingEvents('acme', 'coder')).find((e) => e.id === one.eventId);
    expect(recorded?.data.lessons.map((l) => l.lessonId)).toEqual([ids.forCoder]);
    const bad = await served('acme', 'coder', '?budget=lots');
    expect([bad.status, bad.body.detail]).toEqual([400, expect.stringMatching(/budget/)]);
  });

  it('stops serving a retired lesson', async () => {
    await decide('acme', ids.forCoder, 'retire', { by: 'alice', reason: 'obsolete' });
    await eventually(async () => !(await servedIds('acme', 'coder')).includes(ids.forCoder), { timeoutMs: 5000, what: 'the retired lesson to disappear' });
    expect(await servedIds('acme', 'coder')).toEqual([ids.tenantWide]);
  });

  it('answers 400 for a bad agent id or session id', async () => {
    expect((await get('acmeAgent', 'a.b')).status).toBe(400);
    const emptySession = await served('acme', 'coder', '?sessionId=');
    expect(emptySession.status).toBe(400);
    expect(emptySession.body.detail).toContain('query.sessionId');
  });

  it('answers /health', async () => {
    const res = await fetch(`${serving.url}/health`);
    expect(await res.json()).toMatchObject({ service: 'agent-serving', status: 'ok' });
  });

  it('rebuilds the serving index by replay to the same rows', async () => {
    const snapshot = async () => ({
      active: await ds.query('SELECT * FROM serving_active_lessons ORDER BY tenant_id, lesson_id'),
      views: await ds.query('SELECT * FROM serving_lesson_views ORDER BY tenant_id, lesson_id'),
    });
    const total = (await (await jetstreamManager(nats.nc)).streams.info(nats.topology.streamName('lessons'))).state.messages;
    await eventually(async () => {
      const rows: { view: { appliedEventIds: string[] } }[] = await ds.query('SELECT view FROM serving_lesson_views');
      return rows.reduce((n, r) => n + r.view.appliedEventIds.length, 0) === total;
    }, { what: 'every LESSONS event folded into the serving views' });
    const before = await snapshot();
    expect(before.active).toHaveLength(2);
    await serving.shutdown();
    await rebuildProjection({ store, dataSource: ds, stream: 'lessons', parser: lessonEventSchema, projection: activeLessonsProjection, reset: resetActiveLessons });
    expect(await snapshot()).toEqual(before);
  });
});

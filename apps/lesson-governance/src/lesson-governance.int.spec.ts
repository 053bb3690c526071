import { dreamEventSchema, lessonEventSchema, newId, TENANT_HEADER, type DreamEvent, type LessonClaim, type LessonView } from '@reverie/contracts';
import { CONSUMERS, EventStore, rebuildProjection } from '@reverie/event-store';
import { toEnvelopes } from '@reverie/lesson-domain';
import { createDataSource } from '@reverie/persistence';
import type { ServiceHandle } from '@reverie/service-kit';
import { eventually, natsTestEnv, pgTestEnv, type NatsTestEnv, type PgTestEnv } from '@reverie/testing';
import type { DataSource } from 'typeorm';
import { createApp } from './app.factory';
import { loadGovernanceConfig } from './config/governance.config';
import { governanceDreamsProjection, resetGovernanceDreams } from './dreams/governance-dreams.projection';
import { governanceLessonsProjection, resetGovernanceLessons } from './lessons/governance-lessons.projection';

const claim = (tenantId: string, text: string): LessonClaim => ({
  kind: 'mistake',
  scope: { tenantId, agentId: 'coder', tools: ['bash'] },
  text,
  fingerprint: `fp-${text}`,
  support: { sessions: 4, distinctUsers: 2, occurrences: 6, firstSeen: '2025-02-01T00:00:00.000Z', lastSeen: '2025-02-20T00:00:00.000Z' },
  effectSize: 2.5,
  confidence: 0.8,
  evidence: { refs: [{ tenantId, sessionId: 's1', eventId: 'e1' }], counts: { errors: 6, sessions: 4 } },
});

describe('lesson-governance (real NATS and Postgres)', () => {
  let nats: NatsTestEnv;
  let pg: PgTestEnv;
  let store: EventStore;
  let app: ServiceHandle;
  let ds: DataSource;
  const lessons: Record<'L1' | 'L2' | 'L3' | 'L4' | 'L5', string> = { L1: newId(), L2: newId(), L3: newId(), L4: newId(), L5: newId() };

  const propose = async (tenantId: string, lessonId: string, text: string, at: string) => {
    const [event] = toEnvelopes(tenantId, lessonId, [{ type: 'LessonProposed', data: { ...claim(tenantId, text), dreamId: 'dream-1' } }],
      { now: at, actor: { kind: 'service', id: 'dreaming' }, correlationId: 'dream-1' }, () => newId());
    await store.append('lessons', event, { expectedLastSubjectSeq: 0 });
  };
  const http = async (method: string, path: string, body?: unknown, tenant: string | null = 'acme') => {
    const res = await fetch(`${app.url}${path}`, {
      method,
      headers: { ...(tenant !== null && { [TENANT_HEADER]: tenant }), ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any -- the test reads JSON answers of several shapes
  };
  const list = async (status: string, tenant = 'acme') => (await http('GET', `/v1/lessons?status=${status}`, undefined, tenant)).body as LessonView[];
  const stored = async (tenantId: string, lessonId: string) =>
    (await store.readAggregate('lessons', tenantId, lessonId)).events.map((e) => lessonEventSchema.parse(e.event));

  beforeAll(async () => {
    nats = await natsTestEnv({ consumers: CONSUMERS });
    pg = await pgTestEnv();
    store = new EventStore(nats.nc, nats.topology);
    const config = loadGovernanceConfig({ NATS_URL: 'nats://127.0.0.1:4222', DATABASE_URL: pg.url, REVERIE_NAMESPACE: nats.topology.namespace, PORT: '0', LOG_LEVEL: 'silent' });
    app = await createApp(config, { handleSignals: false });
    ds = createDataSource({ url: pg.url, poolSize: 2 });
    await ds.initialize();
    await propose('acme', lessons.L1, 'one', '2025-03-01T10:00:00.000Z');
    await propose('acme', lessons.L2, 'two', '2025-03-01T10:01:00.000Z');
    await propose('acme', lessons.L3, 'three', '2025-03-01T10:02:00.000Z');
    await propose('acme', lessons.L4, 'four', '2025-03-01T10:03:00.000Z');
    await propose('other', lessons.L5, 'five', '2025-03-01T10:04:00.000Z');
  });

  afterAll(async () => {
    await app?.shutdown();
    await ds?.destroy();
    await nats?.cleanup();
    await pg?.cleanup();
  });

  it('lists the proposed lessons of the tenant, newest first, and no other tenant\'s', async () => {
    const proposed = await eventually(async () => {
      const views = await list('proposed');
      return views.length === 4 && views;
    }, { what: 'four proposed lessons in the projection' });
    expect(proposed.map((v) => v.text)).toEqual(['four', 'three', 'two', 'one']);
    expect(proposed.every((v) => v.tenantId === 'acme' && v.status === 'proposed' && v.version === 0)).toBe(true);
    expect(proposed[0]).not.toHaveProperty('appliedEventIds');
    const other = await eventually(async () => {
      const views = await list('proposed', 'other');
      return views.length > 0 && views;
    }, { what: 'the other tenant\'s proposal in the projection' });
    expect(other.map((v) => v.id)).toEqual([lessons.L5]);
  });

  it('approves: the answer is the view from the log, and the projection catches up with an audit entry', async () => {
    const res = await http('POST', `/v1/lessons/${lessons.L1}/approve`, { reviewer: 'alice', note: 'clear and useful' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: lessons.L1, status: 'approved', version: 1, decidedBy: 'alice', decisionNote: 'clear and useful' });
    const detail = await eventually(async () => {
      const d = await http('GET', `/v1/lessons/${lessons.L1}`);
      return d.body.status === 'approved' && d.body;
    }, { what: 'the approval in the read model' });
    expect(detail.audit.map((a: { type: string; actor: { id: string } }) => [a.type, a.actor.id])).toEqual([['LessonProposed', 'dreaming'], ['LessonApproved', 'alice']]);
    expect(detail.audit[1]).toMatchObject({ data: { reviewer: 'alice', version: 1, note: 'clear and useful' }, actor: { kind: 'reviewer', id: 'alice' } });
  });

  it('refuses a rejection without a reason: 400 naming the field; a blank reason: 422 from the decider', async () => {
    const missing = await http('POST', `/v1/lessons/${lessons.L2}/reject`, { reviewer: 'bob' });
    expect(missing.status).toBe(400);
    expect(missing.type).toContain('application/problem+json');
    expect(missing.body.detail).toContain('body.reason');
    const blank = await http('POST', `/v1/lessons/${lessons.L2}/reject`, { reviewer: 'bob', reason: '   ' });
    expect(blank.status).toBe(422);
    expect(blank.body).toMatchObject({ code: 'reason-required', detail: 'a reason is required to reject a lesson' });
    const noReviewer = await http('POST', `/v1/lessons/${lessons.L2}/approve`, {});
    expect(noReviewer.status).toBe(400);
    expect(noReviewer.body.detail).toContain('body.reviewer');
  });

  it('refuses to approve a rejected lesson with 409 and the reason', async () => {
    const rejected = await http('POST', `/v1/lessons/${lessons.L2}/reject`, { reviewer: 'bob', reason: 'too vague' });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ status: 'rejected', decidedBy: 'bob', decisionNote: 'too vague' });
    const approve = await http('POST', `/v1/lessons/${lessons.L2}/approve`, { reviewer: 'alice' });
    expect(approve.status).toBe(409);
    expect(approve.body).toMatchObject({ status: 409, code: 'not-proposed', detail: 'cannot approve a rejected lesson: reopen it first' });
    expect((await stored('acme', lessons.L2)).map((e) => e.type)).toEqual(['LessonProposed', 'LessonRejected']);
  });

  it('of concurrent approvals of one lesson exactly one is appended; the others get 409', async () => {
    const answers = await Promise.all(['alice', 'bob', 'carol', 'dave'].map((reviewer) => http('POST', `/v1/lessons/${lessons.L3}/approve`, { reviewer })));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409, 409, 409]);
    expect(answers.filter((a) => a.status === 409).every((a) => a.body.code === 'already-approved' || a.body.code === 'concurrent-modification')).toBe(true);
    const events = await stored('acme', lessons.L3);
    expect(events.filter((e) => e.type === 'LessonApproved')).toHaveLength(1);
  });

  it('retires an approved lesson, and refuses to retire one that is not approved', async () => {
    const retired = await http('POST', `/v1/lessons/${lessons.L1}/retire`, { by: 'alice', reason: 'the build step is automated now' });
    expect(retired.status).toBe(200);
    expect(retired.body).toMatchObject({ status: 'retired', version: 1, decidedBy: 'alice', decisionNote: 'the build step is automated now' });
    const notApproved = await http('POST', `/v1/lessons/${lessons.L4}/retire`, { by: 'alice', reason: 'x' });
    expect(notApproved.status).toBe(409);
    expect(notApproved.body.code).toBe('not-approved');
    await eventually(async () => (await list('retired')).length === 1, { what: 'the retirement in the read model' });
  });

  it('answers 404 for an unknown lesson, and 400 for a missing tenant or a bad query', async () => {
    const unknown = newId();
    expect((await http('POST', `/v1/lessons/${unknown}/approve`, { reviewer: 'alice' })).body).toMatchObject({ status: 404, code: 'not-found' });
    expect((await http('GET', `/v1/lessons/${unknown}`)).status).toBe(404);
    expect((await http('GET', `/v1/lessons/${lessons.L5}`)).status).toBe(404); // another tenant's lesson
    const noTenant = await http('GET', '/v1/lessons', undefined, null);
    expect(noTenant.status).toBe(400);
    expect(noTenant.body.detail).toContain('x-reverie-tenant');
    const badStatus = await http('GET', '/v1/lessons?status=active');
    expect(badStatus.status).toBe(400);
    expect(badStatus.body.detail).toContain('query.status');
  });

  it('projects dream runs from DREAMS', async () => {
    const dreamId = newId();
    const base = { schemaVersion: 1, tenantId: 'acme', streamId: dreamId, actor: { kind: 'service' as const, id: 'dreaming' }, correlationId: dreamId };
    const events: DreamEvent[] = [
      { ...base, id: newId(), type: 'DreamRequested', occurredAt: '2025-03-01T09:00:00.000Z', recordedAt: '2025-03-01T09:00:00.000Z', data: { trigger: 'manual', requestedBy: 'alice' } },
      { ...base, id: newId(), type: 'DreamStarted', occurredAt: '2025-03-01T09:00:01.000Z', recordedAt: '2025-03-01T09:00:01.000Z', data: { window: { fromSeq: 1, toSeq: 40 }, analyzerVersion: '1', thresholds: { minSupport: 3 }, synthesizer: 'template' } },
      { ...base, id: newId(), type: 'DreamCompleted', occurredAt: '2025-03-01T09:00:03.000Z', recordedAt: '2025-03-01T09:00:03.000Z', data: { counts: { sessions: 40, proposed: 4 }, tokens: { input: 0, output: 0 }, durationMs: 2000, proposedLessonIds: [lessons.L1, lessons.L2], reinforcedLessonIds: [] } },
    ];
    for (const e of events) await store.append('dreams', dreamEventSchema.parse(e));
    const listed = await eventually(async () => {
      const res = await http('GET', '/v1/dreams');
      return res.body.length === 1 && res.body[0].status === 'completed' && (res.body as unknown[]);
    }, { what: 'the completed dream in the read model' });
    expect(listed[0]).toEqual({
      id: dreamId, tenantId: 'acme', status: 'completed', trigger: 'manual', requestedAt: '2025-03-01T09:00:00.000Z', completedAt: '2025-03-01T09:00:03.000Z',
      counts: { sessions: 40, proposed: 4 }, tokens: { input: 0, output: 0 }, durationMs: 2000, proposedLessonIds: [lessons.L1, lessons.L2], reinforcedLessonIds: [],
    });
    expect((await http('GET', `/v1/dreams/${dreamId}`)).body).toEqual(listed[0]);
    expect((await http('GET', `/v1/dreams/${dreamId}`, undefined, 'other')).status).toBe(404);
  });

  it('answers /health with ok for NATS and Postgres', async () => {
    const res = await fetch(`${app.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ service: 'lesson-governance', status: 'ok', checks: { nats: { status: 'ok' }, postgres: { status: 'ok' } } });
  });

  it('rebuilds both projections by replay to the same rows', async () => {
    const snapshot = async () => ({
      lessons: await ds.query('SELECT * FROM governance_lessons ORDER BY tenant_id, lesson_id'),
      audit: await ds.query('SELECT * FROM governance_audit ORDER BY event_id'),
      dreams: await ds.query('SELECT * FROM governance_dreams ORDER BY tenant_id, dream_id'),
    });
    // Wait until the live projection holds every event of the stream before taking the snapshot.
    const lessonCount = (await nats.nc.jetstreamManager().then((m) => m.streams.info(nats.topology.streamName('lessons')))).state.messages;
    await eventually(async () => Number((await ds.query('SELECT count(*) AS n FROM governance_audit'))[0].n) === lessonCount, { what: 'every LESSONS event in the audit' });
    const before = await snapshot();
    expect(before.audit).toHaveLength(lessonCount);
    await app.shutdown(); // no live runner while the tables are rebuilt
    await rebuildProjection({ store, dataSource: ds, stream: 'lessons', parser: lessonEventSchema, projection: governanceLessonsProjection, reset: resetGovernanceLessons });
    await rebuildProjection({ store, dataSource: ds, stream: 'dreams', parser: dreamEventSchema, projection: governanceDreamsProjection, reset: resetGovernanceDreams });
    expect(await snapshot()).toEqual(before);
  });
});

import { dreamEventSchema, lessonEventSchema, newId, type DreamEvent, type LessonClaim, type LessonView } from '@reverie/contracts';
import { CONSUMERS, EventStore, rebuildProjection } from '@reverie/event-store';
import { textHashOf, toEnvelopes, type LessonCommandMetadata, type LessonEventRecord } from '@reverie/lesson-domain';
import { createDataSource } from '@reverie/persistence';
import { mintApiKey, PgApiKeyStore, type ServiceHandle } from '@reverie/service-kit';
import { eventually, natsTestEnv, pgTestEnv, type NatsTestEnv, type PgTestEnv, operatorKeys } from '@reverie/testing';
import type { DataSource } from 'typeorm';
import { createApp } from './app.factory';
import { loadGovernanceConfig } from './config/governance.config';
import { governanceDreamsProjection, resetGovernanceDreams } from './dreams/governance-dreams.projection';
import { governanceLessonsProjection, resetGovernanceLessons } from './lessons/governance-lessons.projection';
import { jetstreamManager } from '@nats-io/jetstream';

/**
 * Operator keys, one per tenant and role. An operator key's identity is `key:env-<its position>`
 * (service-kit's EnvKeyVerifier), so the order here is the identities the audit shows.
 */
const { keys: KEYS, REVERIE_API_KEYS } = operatorKeys({
  acmeReviewer: { tenant: 'acme', roles: 'reviewer' },
  acmeApprover: { tenant: 'acme', roles: 'approver' },
  acmeApprover2: { tenant: 'acme', roles: 'approver' },
  globex: { tenant: 'globex', roles: 'reviewer+approver' },
  initech: { tenant: 'initech', roles: 'reviewer' },
  acmeAgent: { tenant: 'acme', roles: 'agent' },
  acmeIngest: { tenant: 'acme', roles: 'ingest' },
  acmeAdmin: { tenant: 'acme', roles: 'admin' },
});
type KeyName = keyof typeof KEYS;

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

interface Answer {
  status: number;
  type: string | null;
  authenticate: string | null;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- the test reads JSON answers of several shapes
}

describe('lesson-governance (real NATS and Postgres)', () => {
  let nats: NatsTestEnv;
  let pg: PgTestEnv;
  let store: EventStore;
  let app: ServiceHandle;
  let ds: DataSource;
  /** An API key minted into the api_keys table, named after the person who holds it. */
  let aliceToken: string;
  const lessons: Record<'L1' | 'L2' | 'L3' | 'L4' | 'L5' | 'L6' | 'L7', string> = { L1: newId(), L2: newId(), L3: newId(), L4: newId(), L5: newId(), L6: newId(), L7: newId() };

  const dreaming = { now: '2025-03-01T10:00:00.000Z', actor: { kind: 'service' as const, id: 'dreaming' }, correlationId: 'dream-1' };
  const append = async (tenantId: string, lessonId: string, record: LessonEventRecord, metadata: LessonCommandMetadata) => {
    const [event] = toEnvelopes(tenantId, lessonId, [record], metadata, () => newId());
    await store.append('lessons', event);
  };
  /** As governance records a dream's proposal: the claim, and the guardrails' pass that puts it in review. */
  const propose = async (tenantId: string, lessonId: string, text: string, at: string) => {
    await append(tenantId, lessonId, { type: 'LessonProposed', data: { ...claim(tenantId, text), dreamId: 'dream-1' } }, { ...dreaming, now: at });
    await append(tenantId, lessonId, { type: 'LessonPolicyChecked', data: { textVersion: 1, textHash: textHashOf(text), verdict: 'pass', violations: [] } }, { ...dreaming, now: at });
  };

  /** `key`: one of KEYS, a raw credential, or null for none. */
  const http = async (method: string, path: string, key: KeyName | { raw: string } | null, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> => {
    const credential = key === null ? undefined : typeof key === 'string' ? KEYS[key].key : key.raw;
    const res = await fetch(`${app.url}${path}`, {
      method,
      headers: { ...headers, ...(credential !== undefined && { 'x-api-key': credential }), ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, type: res.headers.get('content-type'), authenticate: res.headers.get('www-authenticate'), body: text ? JSON.parse(text) : undefined };
  };
  const list = async (status: string, key: KeyName = 'acmeReviewer') => (await http('GET', `/v1/lessons?status=${status}`, key)).body as LessonView[];
  const stored = async (tenantId: string, lessonId: string) =>
    (await store.readAggregate('lessons', tenantId, lessonId)).events.map((e) => lessonEventSchema.parse(e.event));

  beforeAll(async () => {
    nats = await natsTestEnv({ consumers: CONSUMERS });
    pg = await pgTestEnv();
    store = new EventStore(nats.nc, nats.topology);
    const config = loadGovernanceConfig({ NATS_URL: 'nats://127.0.0.1:4222', DATABASE_URL: pg.url, REVERIE_NAMESPACE: nats.topology.namespace, PORT: '0', LOG_LEVEL: 'silent', REVERIE_API_KEYS });
    app = await createApp(config, { handleSignals: false });
    ds = createDataSource({ url: pg.url, poolSize: 2 });
    await ds.initialize();
    const minted = mintApiKey();
    await new PgApiKeyStore(ds).create({ keyId: minted.keyId, tenantId: 'acme', name: 'alice', roles: ['reviewer', 'approver'], secretHash: minted.secretHash, createdAt: new Date().toISOString(), createdBy: 'test' });
    aliceToken = minted.token;
    await propose('acme', lessons.L1, 'one', '2025-03-01T10:00:00.000Z');
    await propose('acme', lessons.L2, 'two', '2025-03-01T10:01:00.000Z');
    await propose('acme', lessons.L3, 'three', '2025-03-01T10:02:00.000Z');
    await propose('acme', lessons.L4, 'four', '2025-03-01T10:03:00.000Z');
    await propose('globex', lessons.L5, 'five', '2025-03-01T10:04:00.000Z');
  });

  afterAll(async () => {
    await app?.shutdown();
    await ds?.destroy();
    await nats?.cleanup();
    await pg?.cleanup();
  });

  it('lists the proposed lessons of the key\'s tenant, newest first, and no other tenant\'s', async () => {
    const proposed = await eventually(async () => {
      const views = await list('in-review');
      return views.length === 4 && views;
    }, { what: 'four proposed lessons in the projection' });
    expect(proposed.map((v) => v.text)).toEqual(['four', 'three', 'two', 'one']);
    expect(proposed.every((v) => v.tenantId === 'acme' && v.status === 'in-review' && v.version === 0)).toBe(true);
    expect(proposed[0]).not.toHaveProperty('appliedEventIds');
    const globex = await eventually(async () => {
      const views = await list('in-review', 'globex');
      return views.length > 0 && views;
    }, { what: 'globex\'s proposal in the projection' });
    expect(globex.map((v) => v.id)).toEqual([lessons.L5]);
    // A tenant with no lessons gets an empty list, not someone else's.
    expect(await http('GET', '/v1/lessons', 'initech')).toMatchObject({ status: 200, body: [] });
  });

  it('answers 401 problem+json with www-authenticate without a credential or with one nobody issued; /health stays public', async () => {
    for (const [method, path] of [['GET', '/v1/lessons'], ['GET', `/v1/lessons/${lessons.L1}`], ['POST', `/v1/lessons/${lessons.L1}/approve`], ['POST', `/v1/lessons/${lessons.L1}/reject`], ['POST', `/v1/lessons/${lessons.L1}/retire`], ['GET', '/v1/dreams'], ['GET', '/v1/dreams/d1']]) {
      const anonymous = await http(method, path, null, method === 'POST' ? { reason: 'x' } : undefined);
      expect({ path, status: anonymous.status, authenticate: anonymous.authenticate }).toEqual({ path, status: 401, authenticate: 'Bearer' });
      expect(anonymous.type).toContain('application/problem+json');
    }
    const forged = await http('GET', '/v1/lessons', { raw: 'acme-reviewer-key-9999' });
    expect(forged).toMatchObject({ status: 401, authenticate: 'Bearer', body: { status: 401, detail: 'the API key is not valid' } });
    const neverStored = await http('GET', '/v1/lessons', { raw: mintApiKey().token });
    expect(neverStored.status).toBe(401);
    expect((await fetch(`${app.url}/health`)).status).toBe(200);
    expect((await stored('acme', lessons.L1)).map((e) => e.type)).toEqual(['LessonProposed', 'LessonPolicyChecked']);
  });

  it('answers 403 to a key without the route\'s role, and decides nothing', async () => {
    const cases: [KeyName, string, string, unknown?][] = [
      ['acmeReviewer', 'POST', `/v1/lessons/${lessons.L1}/approve`, {}],
      ['acmeReviewer', 'POST', `/v1/lessons/${lessons.L1}/retire`, { reason: 'x' }],
      ['acmeAdmin', 'POST', `/v1/lessons/${lessons.L1}/approve`, {}],
      ['acmeAdmin', 'POST', `/v1/lessons/${lessons.L1}/reject`, { reason: 'x' }],
      ['acmeAgent', 'GET', '/v1/lessons'],
      ['acmeAgent', 'GET', `/v1/lessons/${lessons.L1}`],
      ['acmeAgent', 'GET', '/v1/dreams'],
      ['acmeIngest', 'GET', '/v1/lessons'],
      ['acmeIngest', 'POST', `/v1/lessons/${lessons.L1}/reject`, { reason: 'x' }],
    ];
    for (const [key, method, path, body] of cases) {
      const res = await http(method, path, key, body);
      expect({ key, path, status: res.status }).toEqual({ key, path, status: 403 });
      expect(res.type).toContain('application/problem+json');
      expect(res.body.detail).toMatch(/this needs one of the roles/);
    }
    expect((await stored('acme', lessons.L1)).map((e) => e.type)).toEqual(['LessonProposed', 'LessonPolicyChecked']);
    // Admins oversee: they read lessons and dreams.
    expect((await http('GET', '/v1/lessons', 'acmeAdmin')).body.length).toBeGreaterThan(0);
    expect((await http('GET', '/v1/dreams', 'acmeAdmin')).status).toBe(200);
  });

  it('refuses a body that names the reviewer: who decides is the credential, never the body', async () => {
    const named = await http('POST', `/v1/lessons/${lessons.L1}/approve`, 'acmeApprover', { reviewer: 'alice', note: 'x' });
    expect(named.status).toBe(400);
    expect(named.body.detail).toContain('body.reviewer: not accepted: the reviewer is the authenticated caller');
    const retireBy = await http('POST', `/v1/lessons/${lessons.L1}/retire`, 'acmeApprover', { by: 'alice', reason: 'x' });
    expect(retireBy.status).toBe(400);
    expect(retireBy.body.detail).toContain('body.by: not accepted');
    expect((await stored('acme', lessons.L1)).map((e) => e.type)).toEqual(['LessonProposed', 'LessonPolicyChecked']);
  });

  it('approves as the key: the audit actor is the key\'s identity, and the projection catches up with it', async () => {
    const res = await http('POST', `/v1/lessons/${lessons.L1}/approve`, 'acmeApprover', { note: 'clear and useful' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: lessons.L1, status: 'active', version: 1, decidedBy: KEYS.acmeApprover.actor, decisionNote: 'clear and useful' });
    const [, , approved] = await stored('acme', lessons.L1);
    expect(approved).toMatchObject({ type: 'LessonApproved', actor: { kind: 'reviewer', id: KEYS.acmeApprover.actor }, data: { reviewer: KEYS.acmeApprover.actor } });
    const detail = await eventually(async () => {
      const d = await http('GET', `/v1/lessons/${lessons.L1}`, 'acmeReviewer');
      return d.body.status === 'active' && d.body;
    }, { what: 'the approval in the read model' });
    expect(detail.audit.map((a: { type: string; actor: { id: string } }) => [a.type, a.actor.id])).toEqual([['LessonProposed', 'dreaming'], ['LessonPolicyChecked', 'dreaming'], ['LessonApproved', KEYS.acmeApprover.actor]]);
    expect(detail.audit[2]).toMatchObject({ data: { reviewer: KEYS.acmeApprover.actor, version: 1, note: 'clear and useful' }, actor: { kind: 'reviewer', id: KEYS.acmeApprover.actor } });
  });

  it('refuses a rejection without a reason: 400 naming the field; a blank reason: 422 from the decider', async () => {
    const missing = await http('POST', `/v1/lessons/${lessons.L2}/reject`, 'acmeReviewer', {});
    expect(missing.status).toBe(400);
    expect(missing.type).toContain('application/problem+json');
    expect(missing.body.detail).toContain('body.reason');
    const blank = await http('POST', `/v1/lessons/${lessons.L2}/reject`, 'acmeReviewer', { reason: '   ' });
    expect(blank.status).toBe(422);
    expect(blank.body).toMatchObject({ code: 'reason-required', detail: 'a reason is required to reject a lesson' });
  });

  it('a reviewer rejects (recorded as the reviewer\'s key); approving a rejected lesson is refused with 409 and the reason', async () => {
    const rejected = await http('POST', `/v1/lessons/${lessons.L2}/reject`, 'acmeReviewer', { reason: 'too vague' });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ status: 'rejected', decidedBy: KEYS.acmeReviewer.actor, decisionNote: 'too vague' });
    const approve = await http('POST', `/v1/lessons/${lessons.L2}/approve`, 'acmeApprover', {});
    expect(approve.status).toBe(409);
    expect(approve.body).toMatchObject({ status: 409, code: 'not-proposed', detail: 'cannot approve a rejected lesson: reopen it first' });
    const events = await stored('acme', lessons.L2);
    expect(events.map((e) => e.type)).toEqual(['LessonProposed', 'LessonPolicyChecked', 'LessonRejected']);
    expect(events[2]).toMatchObject({ actor: { kind: 'reviewer', id: KEYS.acmeReviewer.actor }, data: { reviewer: KEYS.acmeReviewer.actor } });
  });

  it('of concurrent approvals of one lesson exactly one is appended; the others get 409', async () => {
    const keys: KeyName[] = ['acmeApprover', 'acmeApprover2', 'acmeApprover', 'acmeApprover2'];
    const answers = await Promise.all(keys.map((key) => http('POST', `/v1/lessons/${lessons.L3}/approve`, key, {})));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409, 409, 409]);
    expect(answers.filter((a) => a.status === 409).every((a) => a.body.code === 'already-approved' || a.body.code === 'concurrent-modification')).toBe(true);
    const events = await stored('acme', lessons.L3);
    expect(events.filter((e) => e.type === 'LessonApproved')).toHaveLength(1);
  });

  it('retires an approved lesson as the approver\'s key, and refuses to retire one that is not approved', async () => {
    const retired = await http('POST', `/v1/lessons/${lessons.L1}/retire`, 'acmeApprover2', { reason: 'the build step is automated now' });
    expect(retired.status).toBe(200);
    expect(retired.body).toMatchObject({ status: 'retired', version: 1, decidedBy: KEYS.acmeApprover2.actor, decisionNote: 'the build step is automated now' });
    expect((await stored('acme', lessons.L1))[3]).toMatchObject({ type: 'LessonRetired', actor: { kind: 'reviewer', id: KEYS.acmeApprover2.actor }, data: { by: KEYS.acmeApprover2.actor } });
    const notApproved = await http('POST', `/v1/lessons/${lessons.L4}/retire`, 'acmeApprover', { reason: 'x' });
    expect(notApproved.status).toBe(409);
    expect(notApproved.body.code).toBe('not-approved');
    await eventually(async () => (await list('retired')).length === 1, { what: 'the retirement in the read model' });
  });

  it('a key of another tenant finds nothing: 404 for an existing lesson, on reads and decisions alike, and never a byte of it', async () => {
    const unknown = newId();
    expect((await http('POST', `/v1/lessons/${unknown}/approve`, 'acmeApprover', {})).body).toMatchObject({ status: 404, code: 'not-found' });
    expect((await http('GET', `/v1/lessons/${unknown}`, 'acmeReviewer')).status).toBe(404);
    // globex holds reviewer+approver, and acme's L4 exists (proposed): globex neither sees nor decides it.
    const read = await http('GET', `/v1/lessons/${lessons.L4}`, 'globex');
    expect(read.status).toBe(404);
    expect(JSON.stringify(read.body)).not.toMatch(/four|fp-four|acme/);
    for (const verb of ['approve', 'reject']) {
      const decided = await http('POST', `/v1/lessons/${lessons.L4}/${verb}`, 'globex', { reason: 'not mine' });
      expect(decided.body).toMatchObject({ status: 404, code: 'not-found' });
      expect(JSON.stringify(decided.body)).not.toMatch(/four|acme/);
    }
    expect((await stored('acme', lessons.L4)).map((e) => e.type)).toEqual(['LessonProposed', 'LessonPolicyChecked']);
    expect(await stored('globex', lessons.L4)).toEqual([]);
    // And acme's keys do not see globex's lesson.
    expect((await http('GET', `/v1/lessons/${lessons.L5}`, 'acmeReviewer')).status).toBe(404);
    expect((await http('POST', `/v1/lessons/${lessons.L5}/approve`, 'acmeApprover', {})).status).toBe(404);
    expect((await stored('globex', lessons.L5)).map((e) => e.type)).toEqual(['LessonProposed', 'LessonPolicyChecked']);
  });

  it('ignores x-reverie-tenant: the tenant is the credential\'s, whatever a header says', async () => {
    const spoofed = await http('GET', '/v1/lessons?status=in-review', 'globex', undefined, { 'x-reverie-tenant': 'acme' });
    expect(spoofed.status).toBe(200);
    expect((spoofed.body as LessonView[]).map((v) => v.id)).toEqual([lessons.L5]);
    expect((await http('GET', `/v1/lessons/${lessons.L4}`, 'globex', undefined, { 'x-reverie-tenant': 'acme' })).status).toBe(404);
  });

  it('separation of duties judges the real identity: who reopened a lesson may not approve it, whatever a body says', async () => {
    // alice (an API key in the database, named after her) reopened L6 after a rejection.
    await propose('acme', lessons.L6, 'six', '2025-03-01T10:05:00.000Z');
    await append('acme', lessons.L6, { type: 'LessonRejected', data: { reviewer: KEYS.acmeReviewer.actor, reason: 'not yet', supportAtRejection: 4 } }, { now: '2025-03-01T10:06:00.000Z', actor: { kind: 'reviewer', id: KEYS.acmeReviewer.actor }, correlationId: 'c6' });
    await append('acme', lessons.L6, { type: 'LessonReopened', data: { dreamId: 'dream-1', reason: 'new evidence' } }, { now: '2025-03-01T10:07:00.000Z', actor: { kind: 'reviewer', id: 'key:alice' }, correlationId: 'c7' });
    await append('acme', lessons.L6, { type: 'LessonPolicyChecked', data: { textVersion: 1, textHash: textHashOf('six'), verdict: 'pass', violations: [] } }, { now: '2025-03-01T10:07:00.000Z', actor: { kind: 'reviewer', id: 'key:alice' }, correlationId: 'c7' });
    const selfApproval = await http('POST', `/v1/lessons/${lessons.L6}/approve`, { raw: aliceToken }, {});
    expect(selfApproval.status).toBe(403);
    expect(selfApproval.body).toMatchObject({ code: 'separation-of-duties', detail: '"key:alice" proposed or reopened this lesson and so may not approve it' });
    const disguised = await http('POST', `/v1/lessons/${lessons.L6}/approve`, { raw: aliceToken }, { reviewer: 'bob' });
    expect(disguised.status).toBe(400);
    const other = await http('POST', `/v1/lessons/${lessons.L6}/approve`, 'acmeApprover', {});
    expect(other.body).toMatchObject({ status: 'active', decidedBy: KEYS.acmeApprover.actor });
  });

  it('a key from the database decides under its own name', async () => {
    await propose('acme', lessons.L7, 'seven', '2025-03-01T10:08:00.000Z');
    const res = await http('POST', `/v1/lessons/${lessons.L7}/reject`, { raw: aliceToken }, { reason: 'duplicate of six' });
    expect(res.body).toMatchObject({ status: 'rejected', decidedBy: 'key:alice' });
    expect((await stored('acme', lessons.L7))[2]).toMatchObject({ type: 'LessonRejected', actor: { kind: 'reviewer', id: 'key:alice' } });
  });

  it('answers 400 for a bad query', async () => {
    const badStatus = await http('GET', '/v1/lessons?status=bogus', 'acmeReviewer');
    expect(badStatus.status).toBe(400);
    expect(badStatus.body.detail).toContain('query.status');
  });

  it('projects dream runs from DREAMS, each tenant seeing only its own', async () => {
    const dreamId = newId();
    const base = { schemaVersion: 1, tenantId: 'acme', streamId: dreamId, actor: { kind: 'service' as const, id: 'dreaming' }, correlationId: dreamId };
    const events: DreamEvent[] = [
      { ...base, id: newId(), type: 'DreamRequested', occurredAt: '2025-03-01T09:00:00.000Z', recordedAt: '2025-03-01T09:00:00.000Z', data: { trigger: 'manual', requestedBy: 'key:env-1' } },
      { ...base, id: newId(), type: 'DreamStarted', occurredAt: '2025-03-01T09:00:01.000Z', recordedAt: '2025-03-01T09:00:01.000Z', data: { window: { fromSeq: 1, toSeq: 40 }, analyzerVersion: '1', thresholds: { minSupport: 3 }, synthesizer: 'template' } },
      { ...base, id: newId(), type: 'DreamCompleted', occurredAt: '2025-03-01T09:00:03.000Z', recordedAt: '2025-03-01T09:00:03.000Z', data: { counts: { sessions: 40, proposed: 4 }, tokens: { input: 0, output: 0 }, durationMs: 2000, proposedLessonIds: [lessons.L1, lessons.L2], reinforcedLessonIds: [] } },
    ];
    for (const e of events) await store.append('dreams', dreamEventSchema.parse(e));
    const listed = await eventually(async () => {
      const res = await http('GET', '/v1/dreams', 'acmeReviewer');
      return res.body.length === 1 && res.body[0].status === 'completed' && (res.body as unknown[]);
    }, { what: 'the completed dream in the read model' });
    expect(listed[0]).toEqual({
      id: dreamId, tenantId: 'acme', status: 'completed', trigger: 'manual', requestedAt: '2025-03-01T09:00:00.000Z', completedAt: '2025-03-01T09:00:03.000Z',
      counts: { sessions: 40, proposed: 4 }, tokens: { input: 0, output: 0 }, durationMs: 2000, proposedLessonIds: [lessons.L1, lessons.L2], reinforcedLessonIds: [],
    });
    expect((await http('GET', `/v1/dreams/${dreamId}`, 'acmeApprover')).body).toEqual(listed[0]);
    const foreign = await http('GET', `/v1/dreams/${dreamId}`, 'globex');
    expect(foreign.status).toBe(404);
    expect(JSON.stringify(foreign.body)).not.toContain(lessons.L1);
    expect(await http('GET', '/v1/dreams', 'globex')).toMatchObject({ status: 200, body: [] });
    expect((await http('GET', `/v1/dreams/${dreamId}`, 'acmeAgent')).status).toBe(403);
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
    const lessonCount = (await jetstreamManager(nats.nc).then((m) => m.streams.info(nats.topology.streamName('lessons')))).state.messages;
    await eventually(async () => Number((await ds.query('SELECT count(*) AS n FROM governance_audit'))[0].n) === lessonCount, { what: 'every LESSONS event in the audit' });
    const before = await snapshot();
    expect(before.audit).toHaveLength(lessonCount);
    await app.shutdown(); // no live runner while the tables are rebuilt
    await rebuildProjection({ store, dataSource: ds, stream: 'lessons', parser: lessonEventSchema, projection: governanceLessonsProjection, reset: resetGovernanceLessons });
    await rebuildProjection({ store, dataSource: ds, stream: 'dreams', parser: dreamEventSchema, projection: governanceDreamsProjection, reset: resetGovernanceDreams });
    expect(await snapshot()).toEqual(before);
  });
});

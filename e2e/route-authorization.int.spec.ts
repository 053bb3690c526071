/**
 * Deny by default, over every route of every service: the routes come from each running app's
 * own route table (Nest's controllers and their declared policies, as the start-up check reads
 * them), so a route added later is tested here without anyone listing it.
 */
import { newId, ROUTES, SERVICE_NAMES, type LessonClaim, type ServiceName } from '@reverie/contracts';
import { CONSUMERS, EventStore } from '@reverie/event-store';
import { textHashOf, toEnvelopes } from '@reverie/lesson-domain';
import { generateKeyPair } from 'jose';
import { createLogger, declaredRoutes, LOCAL_ISSUER_AUDIENCE, LocalIssuer, ROLES, type DeclaredRoute, type Role, type ServiceHandle } from '@reverie/service-kit';
import { eventually, natsTestEnv, pgTestEnv, TEST_NATS_URL, type NatsTestEnv, type PgTestEnv } from '@reverie/testing';
import { createApp as createServing } from '../apps/agent-serving/src/app.factory';
import { loadServingConfig } from '../apps/agent-serving/src/config/serving.config';
import { createApp as createDreaming } from '../apps/dreaming/src/app.factory';
import { loadDreamingConfig } from '../apps/dreaming/src/config/dreaming.config';
import { createApp as createGovernance } from '../apps/lesson-governance/src/app.factory';
import { loadGovernanceConfig } from '../apps/lesson-governance/src/config/governance.config';
import { createApp as createIngest } from '../apps/session-ingest/src/app.factory';
import { loadIngestConfig } from '../apps/session-ingest/src/config/ingest.config';

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'ALL', 'OPTIONS', 'HEAD', 'SEARCH'];
const key = (tenant: string, role: string) => `${tenant}-${role}-key-000000000`;
const ALL_ROLES = ROLES.join('+');
/** One key per role of acme, and an all-roles key for acme and for globex. */
const KEYS = [
  ...ROLES.map((r) => `${key('acme', r)}:acme:${r}`),
  `${key('acme', 'all')}:acme:${ALL_ROLES}`,
  `${key('globex', 'all')}:globex:${ALL_ROLES}`,
].join(',');
/** A string that is in acme's data and nowhere else: the other tenant must never see it. */
const MARKER = `acme-only-${newId()}`;

const claim = (tenantId: string): LessonClaim => ({
  kind: 'mistake', scope: { tenantId, agentId: 'release-bot', tools: ['bash'] }, text: `Run the build before publishing (${MARKER}).`,
  fingerprint: `fp-${MARKER}`,
  support: { sessions: 4, distinctUsers: 2, occurrences: 6, firstSeen: '2025-02-01T00:00:00.000Z', lastSeen: '2025-02-20T00:00:00.000Z' },
  effectSize: 2.5, confidence: 0.8, evidence: { refs: [{ tenantId, sessionId: 'rt-session', eventId: 'e1', excerpt: MARKER }], counts: { errors: 6, sessions: 4 } },
});

describe('every route of every service: deny by default (route table)', () => {
  let nats: NatsTestEnv;
  let pg: PgTestEnv;
  let issuer: LocalIssuer;
  const apps = {} as Record<ServiceName, ServiceHandle>;
  const ids: Record<string, string> = {};

  const call = async (service: ServiceName, method: string, path: string, credential?: string, body?: unknown) => {
    const res = await fetch(`${apps[service].url}${path}`, {
      method,
      headers: {
        ...(credential ? (credential.split('.').length === 3 ? { authorization: `Bearer ${credential}` } : { 'x-api-key': credential }) : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, text: await res.text() };
  };

  beforeAll(async () => {
    nats = await natsTestEnv({ consumers: CONSUMERS });
    pg = await pgTestEnv();
    issuer = await LocalIssuer.start();
    const env = {
      NATS_URL: TEST_NATS_URL, DATABASE_URL: pg.url, REVERIE_NAMESPACE: nats.topology.namespace, PORT: '0', LOG_LEVEL: 'silent', REVERIE_API_KEYS: KEYS,
      REVERIE_OIDC_ISSUER: issuer.url, REVERIE_OIDC_AUDIENCE: LOCAL_ISSUER_AUDIENCE,
    };
    const logger = (s: ServiceName) => createLogger(s, 'silent');
    apps['session-ingest'] = await createIngest(loadIngestConfig(env), { handleSignals: false, logger: logger('session-ingest') });
    apps.dreaming = await createDreaming(loadDreamingConfig(env), { handleSignals: false, logger: logger('dreaming') });
    apps['lesson-governance'] = await createGovernance(loadGovernanceConfig(env), { handleSignals: false, logger: logger('lesson-governance') });
    apps['agent-serving'] = await createServing(loadServingConfig(env), { handleSignals: false, logger: logger('agent-serving') });

    // acme's data: a session, a dream, an approved lesson served to an agent, a key.
    const at = (s: number) => new Date(Date.UTC(2025, 0, 1, 12, 0, s)).toISOString();
    const events = [
      { id: 'rt-e0', type: 'SessionStarted', streamId: 'rt-session', occurredAt: at(0), actor: { kind: 'agent', id: 'release-bot' }, correlationId: 'rt', data: { seq: 0, agentId: 'release-bot', userId: 'u1', source: 'native', startedAt: at(0), task: MARKER } },
      { id: 'rt-e1', type: 'UserMessageRecorded', streamId: 'rt-session', occurredAt: at(1), actor: { kind: 'user', id: 'u1' }, correlationId: 'rt', data: { seq: 1, text: MARKER } },
    ];
    expect((await call('session-ingest', 'POST', ROUTES.ingestEvents, key('acme', 'ingest'), { events })).status).toBe(202);
    ids.session = 'rt-session';
    const dream = await call('dreaming', 'POST', ROUTES.dreams, key('acme', 'all'), { trigger: 'manual' });
    ids.dream = (JSON.parse(dream.text) as { id: string }).id;
    const store = new EventStore(nats.nc, nats.topology);
    ids.lesson = newId();
    const [proposed, checked] = toEnvelopes('acme', ids.lesson, [
      { type: 'LessonProposed', data: { ...claim('acme'), dreamId: ids.dream } },
      { type: 'LessonPolicyChecked', data: { textVersion: 1, textHash: textHashOf(claim('acme').text), verdict: 'pass', violations: [] } },
    ], { now: new Date().toISOString(), actor: { kind: 'service', id: 'dreaming' }, correlationId: 'rt' }, () => newId());
    await store.append('lessons', proposed, { expectedLastSubjectSeq: 0 });
    await store.append('lessons', checked);
    await eventually(async () => (await call('lesson-governance', 'GET', ROUTES.lesson(ids.lesson), key('acme', 'all'))).status === 200, { what: 'the lesson in governance' });
    expect((await call('lesson-governance', 'POST', ROUTES.approveLesson(ids.lesson), key('acme', 'approver'), {})).status).toBe(200);
    await eventually(async () => (await call('agent-serving', 'GET', ROUTES.agentLessons('release-bot'), key('acme', 'agent'))).text.includes(MARKER), { what: 'the lesson served' });
    ids.agentId = 'release-bot';
  }, 120_000);

  afterAll(async () => {
    for (const s of SERVICE_NAMES) await apps[s]?.shutdown('test done');
    await nats?.cleanup();
    await pg?.cleanup();
    await issuer?.close();
  });

  /** Every declared route of every app, params filled with acme's ids. */
  const routes = (): Array<{ service: ServiceName; route: DeclaredRoute; method: string; path: string }> =>
    SERVICE_NAMES.flatMap((service) => declaredRoutes(apps[service].app).map((route) => ({
      service, route, method: METHODS[route.method] ?? 'GET',
      path: route.path.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(ids[name === 'id' ? idFor(route.path) : name] ?? 'unknown-id')),
    })));
  const idFor = (path: string) => (path.includes('/sessions') ? 'session' : path.includes('/dreams') ? 'dream' : path.includes('/keys') ? 'key' : 'lesson');

  it('finds the routes of all four services, each with a declared policy', () => {
    const all = routes();
    for (const s of SERVICE_NAMES) expect(all.filter((r) => r.service === s).length).toBeGreaterThan(1);
    expect(all.filter((r) => !r.route.policy)).toEqual([]);
  });

  it('answers 401 to a request without a credential on every route that is not public, also under an encoded path', async () => {
    for (const r of routes()) {
      if (r.route.policy && 'public' in r.route.policy) continue;
      const plain = await call(r.service, r.method, r.path, undefined, r.method === 'GET' ? undefined : {});
      expect(`${r.service} ${r.method} ${r.path} → ${plain.status}`).toBe(`${r.service} ${r.method} ${r.path} → 401`);
      const encoded = r.path.replace(/^\/v1\//, '/%76%31/');
      const enc = await call(r.service, r.method, encoded, undefined, r.method === 'GET' ? undefined : {});
      expect(`${r.service} ${r.method} ${encoded} → ${enc.status}`).toBe(`${r.service} ${r.method} ${encoded} → 401`);
      const upper = await call(r.service, r.method, r.path.toUpperCase(), undefined, r.method === 'GET' ? undefined : {});
      expect([401, 404]).toContain(upper.status);
      expect(plain.text + enc.text + upper.text).not.toContain(MARKER);
    }
  });

  it('answers 403 to a credential of the right tenant without one of the route\'s roles', async () => {
    for (const r of routes()) {
      if (!r.route.policy || 'public' in r.route.policy) continue;
      const allowed = r.route.policy.roles as readonly Role[];
      for (const role of ROLES.filter((x) => !allowed.includes(x))) {
        const res = await call(r.service, r.method, r.path, key('acme', role), r.method === 'GET' ? undefined : {});
        expect(`${r.service} ${r.method} ${r.path} as ${role} → ${res.status}`).toBe(`${r.service} ${r.method} ${r.path} as ${role} → 403`);
        expect(res.text).not.toContain(MARKER);
      }
    }
  });

  it('never gives another tenant a byte of acme\'s data, whatever its roles', async () => {
    for (const r of routes()) {
      if (!r.route.policy || 'public' in r.route.policy || r.method !== 'GET') continue;
      const res = await call(r.service, r.method, r.path, key('globex', 'all'));
      expect(res.text).not.toContain(MARKER);
      if (/:\w+/.test(r.route.path) && !r.route.path.includes('/agents/')) expect([403, 404]).toContain(res.status);
    }
    // And acme, with the right role, does see its own data through the same routes.
    expect((await call('lesson-governance', 'GET', ROUTES.lesson(ids.lesson), key('acme', 'reviewer'))).text).toContain(MARKER);
  });

  it('takes people\'s OIDC tokens from the configured issuer only: valid, expired, wrong audience, another key', async () => {
    const person = await issuer.sign({ sub: 'ana', reverie_tenant: 'acme', reverie_roles: ['reviewer'] });
    const ok = await call('lesson-governance', 'GET', ROUTES.lesson(ids.lesson), person);
    expect(ok.status).toBe(200);
    expect(ok.text).toContain(MARKER);
    expect((await call('lesson-governance', 'POST', ROUTES.approveLesson(ids.lesson), person, {})).status).toBe(403);
    const now = Math.floor(Date.now() / 1000);
    const expired = await issuer.sign({ reverie_roles: ['reviewer'] }, { exp: now - 3600 });
    const wrongAudience = await issuer.sign({ aud: 'another-api', reverie_roles: ['reviewer'] });
    const { privateKey: otherKey } = await generateKeyPair('ES256');
    const forged = await issuer.sign({ reverie_roles: ['reviewer'] }, { key: otherKey });
    const otherTenant = await issuer.sign({ reverie_tenant: 'globex', reverie_roles: ['reviewer'] });
    for (const token of [expired, wrongAudience, forged]) {
      const res = await call('lesson-governance', 'GET', ROUTES.lesson(ids.lesson), token);
      expect(res.status).toBe(401);
      expect(res.text).not.toContain(MARKER);
    }
    const other = await call('lesson-governance', 'GET', ROUTES.lesson(ids.lesson), otherTenant);
    expect(other.status).toBe(404);
    expect(other.text).not.toContain(MARKER);
  });
});

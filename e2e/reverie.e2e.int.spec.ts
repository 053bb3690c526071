import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ROUTES, type DreamView, type LessonView, type ServedLesson } from '@reverie/contracts';
import { eventually } from '@reverie/testing';
import { startSystem, type ReverieSystem } from './reverie-system';
import { apiKeysSpec, awaitPublishMistakeProposal, E2E_KEYS, publishWithoutBuildSessions, writeClaudeCodeTranscripts } from './fixtures';

jest.setTimeout(120_000);

let system: ReverieSystem;
const { acme, beta } = E2E_KEYS;
beforeAll(async () => { system = await startSystem(apiKeysSpec()); });
afterAll(async () => { await system?.stop(); });

/** One request presenting `key` (the tenant and the actor are the key's). */
async function http<T>(service: keyof ReverieSystem['urls'], route: string, key: string, init: { method?: string; body?: unknown } = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(`${system.urls[service]}${route}`, {
    method: init.method ?? (init.body ? 'POST' : 'GET'),
    headers: { 'content-type': 'application/json', 'x-api-key': key },
    body: init.body ? JSON.stringify(init.body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

describe('the whole loop over real NATS and Postgres', () => {
  it('ingests sessions over HTTP, dreams a lesson citing them, approves it and serves it', async () => {
    const sessions = publishWithoutBuildSessions('acme', 4);
    const allEvents = sessions.flat();
    const ingest = await http<{ accepted: number; rejected: unknown[] }>('session-ingest', ROUTES.ingestEvents, acme.ingest, { body: { events: allEvents } });
    expect(ingest.status).toBe(202);
    expect(ingest.body.accepted).toBe(allEvents.length);
    // An ingest key publishes sessions and does nothing else.
    expect((await http('dreaming', ROUTES.dreams, acme.ingest, { body: { trigger: 'manual' } })).status).toBe(403);
    expect((await http('lesson-governance', ROUTES.lessons, acme.ingest)).status).toBe(403);

    const requested = await http<DreamView>('dreaming', ROUTES.dreams, acme.reviewer, { body: { trigger: 'manual' } });
    const { dream, lesson } = await awaitPublishMistakeProposal(requested, (service, route, key) => http(service, route, key), acme.reviewer);
    // Lineage: the lesson cites our sessions and the very events behind it.
    const eventIds = new Set(allEvents.map((e) => e.id));
    const sessionIds = new Set(sessions.map((s) => s[0].streamId));
    expect(lesson.support.sessions).toBe(4);
    expect(lesson.evidence.refs.length).toBeGreaterThan(0);
    for (const ref of lesson.evidence.refs) {
      expect(ref.tenantId).toBe('acme');
      expect(sessionIds.has(ref.sessionId)).toBe(true);
      expect(eventIds.has(ref.eventId)).toBe(true);
    }
    // Another tenant's keys find none of it.
    expect((await http('lesson-governance', ROUTES.lesson(lesson.id), beta.reviewer)).status).toBe(404);
    expect((await http('dreaming', ROUTES.dream(dream.id), beta.reviewer)).status).toBe(404);
    expect((await http('lesson-governance', ROUTES.approveLesson(lesson.id), beta.approver, { body: {} })).status).toBe(404);

    // A reviewer reads and rejects; approving takes an approver, who is the actor recorded.
    expect((await http('lesson-governance', ROUTES.approveLesson(lesson.id), acme.reviewer, { body: {} })).status).toBe(403);
    const approved = await http<LessonView>('lesson-governance', ROUTES.approveLesson(lesson.id), acme.approver, { body: { note: 'seen it happen' } });
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('active');
    expect(approved.body.decidedBy).toMatch(/^key:env-\d+$/);

    expect((await http('agent-serving', ROUTES.agentLessons('release-bot'), acme.ingest)).status).toBe(403);
    const served = await eventually(async () => {
      const s = (await http<{ lessons: ServedLesson[] }>('agent-serving', ROUTES.agentLessons('release-bot'), acme.agent)).body;
      return s.lessons.some((l) => l.id === lesson.id) ? s : undefined;
    }, { what: 'lesson served', timeoutMs: 5000 });
    expect(served.lessons.find((l) => l.id === lesson.id)!.text).toBe(lesson.text);
    // Another tenant's agent is served nothing of acme's.
    const other = await http<{ lessons: ServedLesson[] }>('agent-serving', ROUTES.agentLessons('release-bot'), beta.agent);
    expect(other.status).toBe(200);
    expect(other.body.lessons).toEqual([]);
  });

  it('runs the same path through the CLI, each step with a key of the role it needs', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'reverie-e2e-'));
    try {
      const as = (key: string) => (args: string[]) => system.cli(args, { REVERIE_API_KEY: key });
      await writeClaudeCodeTranscripts(path.join(dir, 'projects'), 3);

      const noKey = await system.cli(['lessons', 'list', '--json']);
      expect(noKey.code).toBe(1);
      expect(JSON.parse(noKey.stdout).error).toMatch(/no API key: set REVERIE_API_KEY or run `reverie login --key <key>`/);

      const ingest = await as(beta.ingest)(['ingest', path.join(dir, 'projects'), '--json']);
      expect(ingest.code).toBe(0);
      const summary = JSON.parse(ingest.stdout);
      expect(summary).toMatchObject({ sessions: 3, toolErrors: 3, rejected: [] });
      expect(summary.events).toBeGreaterThan(0);

      const refused = await as(beta.ingest)(['dream', '--json']);
      expect(refused.code).toBe(1);
      expect(JSON.parse(refused.stdout).error).toMatch(/dreaming answered 403 .*needs one of the roles reviewer, approver, admin; the credential has ingest/);

      const dream = await as(beta.reviewer)(['dream', '--wait', '--json']);
      expect(dream.code).toBe(0);
      const dreamed = JSON.parse(dream.stdout);
      expect(dreamed.dream.status).toBe('completed');
      const lesson = dreamed.proposed.find((l: LessonView) => l.kind === 'mistake');
      expect(lesson).toBeDefined();
      expect(lesson.support.sessions).toBe(3);

      const listed = JSON.parse((await as(beta.reviewer)(['lessons', 'list', '--json'])).stdout) as LessonView[];
      expect(listed.map((l) => l.id)).toContain(lesson.id);
      for (const l of listed) expect(l).toEqual(expect.objectContaining({ id: expect.any(String), kind: expect.any(String), status: expect.any(String), text: expect.any(String), support: expect.any(Object), evidence: expect.objectContaining({ refs: expect.any(Array) }) }));
      expect(listed.every((l) => l.tenantId === 'beta')).toBe(true);

      // The admin mints an approver key (shown once), the approver logs in with it and approves as it.
      const created = await as(beta.admin)(['keys', 'create', '--name', 'bea', '--roles', 'approver', '--json']);
      expect(created.code).toBe(0);
      const key = JSON.parse(created.stdout) as { keyId: string; token: string; tenantId: string; roles: string[] };
      expect(key).toMatchObject({ tenantId: 'beta', roles: ['approver'], token: expect.stringMatching(/^rvk_/) });
      const login = await system.cli(['login', '--key', key.token]);
      expect(login.code).toBe(0);
      expect(login.stdout).toMatch(/acts as key:bea in tenant beta, with roles approver/);

      const approve = await system.cli(['lessons', 'approve', lesson.id, '--note', 'good catch', '--json']);
      expect(approve.code).toBe(0);
      expect(JSON.parse(approve.stdout)).toMatchObject({ status: 'active', decidedBy: 'key:bea' });

      const human = await as(beta.reviewer)(['lessons', 'list', '--status', 'approved']);
      expect(human.stdout).toContain(lesson.id);
      expect(human.stdout).toContain('active v1');

      const served = await eventually(async () => {
        const r = await as(beta.agent)(['agent', 'lessons', 'claude-code', '--json']);
        const body = JSON.parse(r.stdout);
        return body.lessons?.some((l: ServedLesson) => l.id === lesson.id) ? body : undefined;
      }, { what: 'served via CLI', timeoutMs: 10000 });
      expect(served.lessons.length).toBeGreaterThanOrEqual(1);
      // acme's agent is served nothing of beta's.
      const acmeServed = JSON.parse((await as(acme.agent)(['agent', 'lessons', 'claude-code', '--json'])).stdout);
      expect(acmeServed.lessons.map((l: ServedLesson) => l.id)).not.toContain(lesson.id);

      // Listed without its secret; revoked, the saved key is refused.
      const keys = await as(beta.admin)(['keys', 'list', '--json']);
      expect(JSON.parse(keys.stdout)).toEqual([expect.objectContaining({ keyId: key.keyId, name: 'bea', status: 'active' })]);
      expect(keys.stdout).not.toContain(key.token.slice(-43));
      expect((await as(beta.reviewer)(['keys', 'list'])).code).toBe(1);
      const revoke = await as(beta.admin)(['keys', 'revoke', key.keyId]);
      expect(revoke.code).toBe(0);
      expect(revoke.stdout).toContain(`Revoked key ${key.keyId}`);
      const after = await eventually(async () => {
        const r = await system.cli(['lessons', 'list', '--json']);
        return r.code !== 0 ? r : undefined;
      }, { what: 'the revoked key refused', timeoutMs: 2000 });
      expect(JSON.parse(after.stdout).error).toMatch(/answered 401 .*the API key was revoked/);

      const status = await system.cli(['status']);
      expect(status.code).toBe(0);
      expect(status.stdout).toContain('All services are healthy');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

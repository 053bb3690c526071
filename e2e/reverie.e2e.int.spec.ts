import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ROUTES, type DreamView, type LessonView, type ServedLesson } from '@reverie/contracts';
import { eventually } from '@reverie/testing';
import { startSystem, type ReverieSystem } from './reverie-system';
import { publishWithoutBuildSessions, writeClaudeCodeTranscripts } from './fixtures';

jest.setTimeout(120_000);

let system: ReverieSystem;
beforeAll(async () => { system = await startSystem('acme-ingest-key-0001:acme,beta-ingest-key-0001:beta'); });
afterAll(async () => { await system?.stop(); });

async function http<T>(service: keyof ReverieSystem['urls'], route: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(`${system.urls[service]}${route}`, {
    method: init.method ?? (init.body ? 'POST' : 'GET'),
    headers: { 'content-type': 'application/json', ...init.headers },
    body: init.body ? JSON.stringify(init.body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

describe('the whole loop over real NATS and Postgres', () => {
  it('ingests sessions over HTTP, dreams a lesson citing them, approves it and serves it', async () => {
    const sessions = publishWithoutBuildSessions('acme', 4);
    const allEvents = sessions.flat();
    const ingest = await http<{ accepted: number; rejected: unknown[] }>('session-ingest', ROUTES.ingestEvents, { body: { events: allEvents }, headers: { 'x-api-key': 'acme-ingest-key-0001' } });
    expect(ingest.status).toBe(202);
    expect(ingest.body.accepted).toBe(allEvents.length);

    const tenant = { 'x-reverie-tenant': 'acme' };
    const requested = await http<DreamView>('dreaming', ROUTES.dreams, { body: { trigger: 'manual' }, headers: tenant });
    expect(requested.status).toBe(202);
    const dream = await eventually(async () => {
      const d = (await http<DreamView>('dreaming', ROUTES.dream(requested.body.id), { headers: tenant })).body;
      return d.status === 'completed' || d.status === 'failed' ? d : undefined;
    }, { what: 'dream completed', timeoutMs: 30000 });
    expect(dream.status).toBe('completed');
    expect(dream.proposedLessonIds.length).toBeGreaterThanOrEqual(1);

    const lessons = await eventually(async () => {
      const l = (await http<LessonView[]>('lesson-governance', `${ROUTES.lessons}?status=proposed`, { headers: tenant })).body;
      return l.length >= dream.proposedLessonIds.length ? l : undefined;
    }, { what: 'proposals projected' });
    const lesson = lessons.find((l) => l.kind === 'mistake' && /npm publish|ENOENT|dist/i.test(l.text));
    expect(lesson).toBeDefined();
    // Lineage: the lesson cites our sessions and the very events behind it.
    const eventIds = new Set(allEvents.map((e) => e.id));
    const sessionIds = new Set(sessions.map((s) => s[0].streamId));
    expect(lesson!.support.sessions).toBe(4);
    expect(lesson!.evidence.refs.length).toBeGreaterThan(0);
    for (const ref of lesson!.evidence.refs) {
      expect(ref.tenantId).toBe('acme');
      expect(sessionIds.has(ref.sessionId)).toBe(true);
      expect(eventIds.has(ref.eventId)).toBe(true);
    }

    const approved = await http<LessonView>('lesson-governance', ROUTES.approveLesson(lesson!.id), { body: { reviewer: 'rita' }, headers: tenant });
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('approved');

    const served = await eventually(async () => {
      const s = (await http<{ lessons: ServedLesson[] }>('agent-serving', ROUTES.agentLessons('release-bot'), { headers: tenant })).body;
      return s.lessons.some((l) => l.id === lesson!.id) ? s : undefined;
    }, { what: 'lesson served', timeoutMs: 5000 });
    expect(served.lessons.find((l) => l.id === lesson!.id)!.text).toBe(lesson!.text);
    // Another tenant is served nothing of acme's.
    const other = await http<{ lessons: ServedLesson[] }>('agent-serving', ROUTES.agentLessons('release-bot'), { headers: { 'x-reverie-tenant': 'beta' } });
    expect(other.body.lessons).toEqual([]);
  });

  it('runs the same path through the CLI', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'reverie-e2e-'));
    try {
      const cli = (args: string[]) => system.cli(args, { REVERIE_API_KEY: 'beta-ingest-key-0001', REVERIE_TENANT: 'beta' });
      await writeClaudeCodeTranscripts(path.join(dir, 'projects'), 3);

      const ingest = await cli(['ingest', path.join(dir, 'projects'), '--json']);
      expect(ingest.code).toBe(0);
      const summary = JSON.parse(ingest.stdout);
      expect(summary).toMatchObject({ sessions: 3, toolErrors: 3, rejected: [] });
      expect(summary.events).toBeGreaterThan(0);

      const dream = await cli(['dream', '--wait', '--json']);
      expect(dream.code).toBe(0);
      const dreamed = JSON.parse(dream.stdout);
      expect(dreamed.dream.status).toBe('completed');
      const lesson = dreamed.proposed.find((l: LessonView) => l.kind === 'mistake');
      expect(lesson).toBeDefined();
      expect(lesson.support.sessions).toBe(3);

      const listed = JSON.parse((await cli(['lessons', 'list', '--json'])).stdout) as LessonView[];
      expect(listed.map((l) => l.id)).toContain(lesson.id);
      for (const l of listed) expect(l).toEqual(expect.objectContaining({ id: expect.any(String), kind: expect.any(String), status: expect.any(String), text: expect.any(String), support: expect.any(Object), evidence: expect.objectContaining({ refs: expect.any(Array) }) }));

      const approve = await cli(['lessons', 'approve', lesson.id, '--reviewer', 'bea', '--json']);
      expect(approve.code).toBe(0);
      expect(JSON.parse(approve.stdout).status).toBe('approved');

      const human = await cli(['lessons', 'list', '--status', 'approved']);
      expect(human.stdout).toContain(lesson.id);
      expect(human.stdout).toContain('approved');

      const served = await eventually(async () => {
        const r = await cli(['agent', 'lessons', 'claude-code', '--json']);
        const body = JSON.parse(r.stdout);
        return body.lessons?.some((l: ServedLesson) => l.id === lesson.id) ? body : undefined;
      }, { what: 'served via CLI', timeoutMs: 10000 });
      expect(served.lessons.length).toBeGreaterThanOrEqual(1);

      const status = await cli(['status']);
      expect(status.code).toBe(0);
      expect(status.stdout).toContain('All services are healthy');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/**
 * Exports of the active lessons, through the CLI's commands against lesson-governance on the real
 * NATS and Postgres: a marked section of CLAUDE.md / AGENTS.md, a system-prompt block, JSON, and a
 * sync into an Anthropic memory store through the real SDK pointed at a local server that speaks
 * the memory-store API's wire format.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { lessonEventSchema, newId, ROUTES, type LessonClaim, type LessonView } from '@reverie/contracts';
import { CONSUMERS, EventStore } from '@reverie/event-store';
import { decide, evolveAll, toEnvelopes, type LessonCommand, type LessonCommandMetadata } from '@reverie/lesson-domain';
import type { ServiceHandle } from '@reverie/service-kit';
import { eventually, natsTestEnv, operatorKeys, pgTestEnv, type NatsTestEnv, type PgTestEnv } from '@reverie/testing';
import { createApp as createGovernance } from '../apps/lesson-governance/src/app.factory';
import { loadGovernanceConfig } from '../apps/lesson-governance/src/config/governance.config';
import { cliConfig } from '../apps/cli/src/cli-config';
import { exportLessonsCommand, type ExportLessonsOptions } from '../apps/cli/src/commands/export-lessons.command';
import { SECTION_BEGIN, SECTION_END } from '../apps/cli/src/commands/lesson-export';

jest.setTimeout(60_000);

const { keys: KEYS, REVERIE_API_KEYS } = operatorKeys({ reviewer: { tenant: 'acme', roles: 'reviewer' } });

interface Memory { id: string; path: string; content: string; content_sha256: string; memory_version_id: string; created_at: string; updated_at: string }

/** A memory store as Anthropic's API answers it (the routes and shapes the SDK's memory-store client uses), in memory. */
function fakeMemoryStoreApi(storeId: string) {
  const memories = new Map<string, Memory>();
  const seen: { method: string; url: string; beta?: string; key?: string }[] = [];
  const sha = (t: string) => createHash('sha256').update(t, 'utf8').digest('hex');
  const wire = (m: Memory, full = false) => ({
    type: 'memory', id: m.id, memory_store_id: storeId, path: m.path, content_sha256: m.content_sha256, content_size_bytes: Buffer.byteLength(m.content),
    memory_version_id: m.memory_version_id, created_at: m.created_at, updated_at: m.updated_at, ...(full && { content: m.content }),
  });
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
    const url = new URL(req.url ?? '/', 'http://x');
    // The SDK sends the API key as a bearer credential (x-api-key in older versions): either is the key.
    seen.push({ method: req.method ?? '', url: url.pathname, beta: req.headers['anthropic-beta'] as string, key: (req.headers['x-api-key'] as string | undefined) ?? req.headers.authorization?.replace(/^Bearer /, '') });
    const send = (status: number, json: unknown) => { res.writeHead(status, { 'content-type': 'application/json', 'request-id': randomUUID() }); res.end(JSON.stringify(json)); };
    const m = /^\/v1\/memory_stores\/([^/]+)\/memories(?:\/([^/]+))?$/.exec(url.pathname);
    if (!m || m[1] !== storeId) return send(404, { type: 'error', error: { type: 'not_found_error', message: `no route ${url.pathname}` } });
    const now = new Date().toISOString();
    if (req.method === 'GET' && !m[2]) {
      const prefix = url.searchParams.get('path_prefix') ?? '';
      const all = [...memories.values()].filter((x) => x.path.startsWith(prefix)).sort((a, b) => a.path.localeCompare(b.path));
      const start = Number(url.searchParams.get('page') ?? 0);
      const page = all.slice(start, start + 2); // small pages: the SDK's cursor pagination is exercised
      return send(200, { data: page.map((x) => wire(x)), next_page: start + 2 < all.length ? String(start + 2) : null });
    }
    if (req.method === 'POST' && !m[2]) {
      if ([...memories.values()].some((x) => x.path === body.path)) return send(409, { type: 'error', error: { type: 'memory_path_conflict_error', message: `path ${body.path} exists` } });
      const memory: Memory = { id: `mem_${randomUUID()}`, path: body.path, content: body.content, content_sha256: sha(body.content), memory_version_id: `memver_${randomUUID()}`, created_at: now, updated_at: now };
      memories.set(memory.id, memory);
      return send(200, wire(memory, true));
    }
    const memory = m[2] ? memories.get(m[2]) : undefined;
    if (!memory) return send(404, { type: 'error', error: { type: 'not_found_error', message: `no memory ${m[2]}` } });
    if (req.method === 'POST') {
      if (body.precondition && body.precondition.content_sha256 !== memory.content_sha256) return send(409, { type: 'error', error: { type: 'memory_precondition_failed_error', message: 'content changed' } });
      Object.assign(memory, { content: body.content, content_sha256: sha(body.content), memory_version_id: `memver_${randomUUID()}`, updated_at: now });
      return send(200, wire(memory, true));
    }
    if (req.method === 'DELETE') {
      memories.delete(memory.id);
      return send(200, { type: 'memory_deleted', id: memory.id });
    }
    return send(405, { type: 'error', error: { type: 'invalid_request_error', message: 'method' } });
  });
  return { server, memories, seen };
}

describe('lesson exports (CLI commands against lesson-governance; the memory store through the real SDK)', () => {
  let nats: NatsTestEnv;
  let pg: PgTestEnv;
  let store: EventStore;
  let governance: ServiceHandle;
  let dir: string;
  const ids = { build: newId(), pnpm: newId(), other: newId() };

  const append = async (lessonId: string, command: LessonCommand) => {
    const { events, lastSeq } = await store.readAggregate('lessons', 'acme', lessonId);
    const records = decide(command, evolveAll(events.map((e) => lessonEventSchema.parse(e.event))));
    await store.appendToAggregate('lessons', toEnvelopes('acme', lessonId, records, command.metadata, () => newId()), lastSeq);
  };
  const meta = (kind: 'service' | 'reviewer', id: string): LessonCommandMetadata => ({ now: new Date().toISOString(), actor: { kind, id }, correlationId: newId() });
  const approved = async (lessonId: string, text: string, kind: LessonClaim['kind'], agentId?: string) => {
    const claim: LessonClaim = {
      kind, scope: { tenantId: 'acme', ...(agentId && { agentId }) }, text, fingerprint: `fp-${text}`, effectSize: null, confidence: 0.7,
      support: { sessions: 4, distinctUsers: 3, occurrences: 4, firstSeen: '2026-11-01T00:00:00.000Z', lastSeen: '2026-11-02T00:00:00.000Z' }, evidence: { refs: [], counts: {} },
    };
    await append(lessonId, { type: 'ProposeLesson', data: { ...claim, dreamId: 'd-1', policyCheck: { verdict: 'pass', violations: [] } }, metadata: meta('service', 'dreaming') });
    await append(lessonId, { type: 'ApproveLesson', data: {}, metadata: meta('reviewer', 'rita') });
  };
  const config = (extra: Record<string, string> = {}) => cliConfig({ REVERIE_API_KEY: KEYS.reviewer.key, REVERIE_GOVERNANCE_URL: governance.url, XDG_CONFIG_HOME: dir, ...extra });
  const results: unknown[] = [];
  const out = { json: true, result: (v: unknown) => { results.push(v); }, note: () => undefined };
  const exportLessons = async (opts: ExportLessonsOptions) => { await exportLessonsCommand(config(), out, opts); return results[results.length - 1] as Record<string, unknown>; };
  const stdoutOf = async (fn: () => Promise<unknown>) => {
    const printed: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => { printed.push(String(chunk)); return true; }) as typeof process.stdout.write;
    try { await fn(); } finally { process.stdout.write = write; }
    return printed.join('');
  };
  const activeCount = async () => (await (await fetch(`${governance.url}${ROUTES.lessons}?status=active&limit=500`, { headers: { 'x-api-key': KEYS.reviewer.key } })).json() as LessonView[]).length;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'reverie-exports-'));
    nats = await natsTestEnv({ consumers: CONSUMERS });
    pg = await pgTestEnv();
    store = new EventStore(nats.nc, nats.topology);
    governance = await createGovernance(loadGovernanceConfig({ NATS_URL: 'nats://127.0.0.1:4222', DATABASE_URL: pg.url, REVERIE_NAMESPACE: nats.topology.namespace, PORT: '0', LOG_LEVEL: 'silent', REVERIE_API_KEYS, GOVERNANCE_CLOCK_SECONDS: '0' }), { handleSignals: false });
    await approved(ids.build, 'Run `npm run build` before `npm publish`.', 'mistake', 'release-bot');
    await approved(ids.pnpm, 'Use pnpm instead of npm.', 'preference');
    await approved(ids.other, 'Look up the reservation before cancelling it.', 'workflow', 'airline-bot');
    await eventually(async () => (await activeCount()) === 3, { what: 'three active lessons projected' });
  });

  afterAll(async () => {
    await governance?.shutdown();
    await nats?.cleanup();
    await pg?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('updates the Reverie section of CLAUDE.md and AGENTS.md, never the rest; unchanged lessons write nothing', async () => {
    const claudeMd = path.join(dir, 'CLAUDE.md');
    writeFileSync(claudeMd, '# Release bot\n\nAlways run the tests.\n');
    expect(await exportLessons({ format: 'claude-md', file: claudeMd, agent: 'release-bot' })).toEqual({ file: claudeMd, lessons: 2, changed: true });
    const text = readFileSync(claudeMd, 'utf8');
    expect(text.startsWith('# Release bot\n\nAlways run the tests.\n\n')).toBe(true);
    const section = text.slice(text.indexOf(SECTION_BEGIN), text.indexOf(SECTION_END));
    expect(section).toContain('Run `npm run build` before `npm publish`.');
    expect(section).toContain('Use pnpm instead of npm.');
    expect(section).not.toContain('reservation');
    expect(await exportLessons({ format: 'claude-md', file: claudeMd, agent: 'release-bot' })).toMatchObject({ changed: false });
    writeFileSync(claudeMd, `${readFileSync(claudeMd, 'utf8')}\n## Notes\nOurs.\n`);
    await append(ids.pnpm, { type: 'RetireLesson', data: { reason: 'we moved to bun' }, metadata: meta('reviewer', 'rita') });
    await eventually(async () => (await activeCount()) === 2, { what: 'the retirement projected' });
    expect(await exportLessons({ format: 'claude-md', file: claudeMd, agent: 'release-bot' })).toMatchObject({ lessons: 1, changed: true });
    const after = readFileSync(claudeMd, 'utf8');
    expect(after.startsWith('# Release bot\n\nAlways run the tests.\n\n')).toBe(true);
    expect(after.endsWith('\n## Notes\nOurs.\n')).toBe(true);
    expect(after).not.toContain('pnpm');
    const agentsMd = path.join(dir, 'AGENTS.md');
    expect(await exportLessons({ format: 'agents-md', file: agentsMd })).toEqual({ file: agentsMd, lessons: 2, changed: true });
    expect(readFileSync(agentsMd, 'utf8')).toContain('Look up the reservation before cancelling it.');
  });

  it('prints a system-prompt block and JSON', async () => {
    const block = await stdoutOf(() => exportLessonsCommand(config(), out, { format: 'system-prompt', agent: 'release-bot' }));
    expect(block).toMatch(/^<reverie_lessons>\nLessons your team reviewed and approved/);
    expect(block).toContain('1. Run `npm run build` before `npm publish`. (mistake, lesson ');
    const json = JSON.parse(await stdoutOf(() => exportLessonsCommand(config(), out, { format: 'json' }))) as { id: string; version: number }[];
    expect(json.map((l) => l.id).sort()).toEqual([ids.build, ids.other].sort());
  });

  it('syncs the lessons into a memory store: one memory per lesson and an index, updated in place by version, removed when no longer active', async () => {
    const api = fakeMemoryStoreApi('memstore_01');
    await new Promise<void>((r) => api.server.listen(0, '127.0.0.1', r));
    const env = { ANTHROPIC_API_KEY: process.env.ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL: process.env.ANTHROPIC_BASE_URL };
    process.env.ANTHROPIC_API_KEY = 'sk-ant-test-memory-store';
    process.env.ANTHROPIC_BASE_URL = `http://127.0.0.1:${(api.server.address() as { port: number }).port}`;
    try {
      const sync = () => exportLessons({ format: 'anthropic-memory-store', memoryStore: 'memstore_01' });
      expect(await sync()).toMatchObject({ lessons: 2, created: 3, updated: 0, removed: 0, unchanged: 0 });
      const paths = [...api.memories.values()].map((m) => m.path).sort();
      expect(paths).toEqual([`/reverie/index.md`, `/reverie/lessons/mistake/${ids.build}.md`, `/reverie/lessons/workflow/${ids.other}.md`].sort());
      expect(api.seen.every((s) => s.key === 'sk-ant-test-memory-store' && /agent-memory/.test(s.beta ?? ''))).toBe(true);
      expect(await sync()).toMatchObject({ created: 0, updated: 0, removed: 0, unchanged: 3 });
      // A new version of a lesson is updated in place (the same memory), its version in the content.
      const buildMemory = [...api.memories.values()].find((m) => m.path.endsWith(`${ids.build}.md`)) as Memory;
      await append(ids.build, { type: 'EditLesson', data: { text: 'Run `npm run build` before every `npm publish`.', policyCheck: { verdict: 'pass', violations: [] } }, metadata: meta('reviewer', 'eve') });
      await append(ids.build, { type: 'ApproveLesson', data: {}, metadata: meta('reviewer', 'rita') });
      await eventually(async () => (await (await fetch(`${governance.url}${ROUTES.lesson(ids.build)}`, { headers: { 'x-api-key': KEYS.reviewer.key } })).json() as LessonView).live?.version === 2, { what: 'version 2 projected' });
      expect(await sync()).toMatchObject({ created: 0, updated: 2, removed: 0, unchanged: 1 });
      expect(api.memories.get(buildMemory.id)?.content).toContain(`Reverie lesson ${ids.build}, version 2`);
      // Retired: its memory is removed, the index rewritten.
      await append(ids.other, { type: 'RetireLesson', data: { reason: 'the airline API changed' }, metadata: meta('reviewer', 'rita') });
      await eventually(async () => (await activeCount()) === 1, { what: 'the retirement projected' });
      expect(await sync()).toMatchObject({ lessons: 1, created: 0, updated: 1, removed: 1, unchanged: 1 });
      expect([...api.memories.values()].map((m) => m.path).sort()).toEqual([`/reverie/index.md`, `/reverie/lessons/mistake/${ids.build}.md`]);
    } finally {
      for (const [k, v] of Object.entries(env)) { if (v === undefined) delete process.env[k]; else process.env[k] = v; }
      await new Promise((r) => api.server.close(r));
    }
  });
});

import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { deterministicId, ROUTES, type DreamView, type LessonView, type ServiceName, type SessionEvent } from '@reverie/contracts';
import { eventually } from '@reverie/testing';

/**
 * Sessions in which the agent runs `npm publish` before building and fails with an ENOENT on
 * `dist/`, each with other ids and paths, then builds and publishes successfully.
 */
export function publishWithoutBuildSessions(tenantId: string, count: number): SessionEvent[][] {
  return Array.from({ length: count }, (_, i) => {
    const sessionId = `e2e-${tenantId}-${i}`;
    const user = `user-${i % 3}`;
    const t0 = Date.UTC(2026, 10, 1 + i, 9, 0, 0);
    let seq = 0;
    const ev = (type: SessionEvent['type'], data: Record<string, unknown>, actor: 'agent' | 'user' = 'agent'): SessionEvent => ({
      id: deterministicId(sessionId, String(seq)), type, schemaVersion: 1, tenantId, streamId: sessionId,
      occurredAt: new Date(t0 + seq * 1000).toISOString(), recordedAt: new Date(t0 + seq * 1000).toISOString(),
      actor: actor === 'agent' ? { kind: 'agent', id: 'release-bot' } : { kind: 'user', id: user },
      correlationId: sessionId, data: { seq: seq++, ...data },
    }) as SessionEvent;
    return [
      ev('SessionStarted', { agentId: 'release-bot', userId: user, source: 'native', startedAt: new Date(t0).toISOString() }),
      ev('UserMessageRecorded', { text: `Publish version 1.${i}.0 of the package`, userId: user }, 'user'),
      ev('ToolCallRecorded', { toolCallId: `c${i}a`, toolName: 'Bash', input: { command: 'npm publish' } }),
      ev('ToolResultRecorded', { toolCallId: `c${i}a`, toolName: 'Bash', isError: true, output: `npm ERR! code ENOENT\nnpm ERR! path /home/${user}/pkg-${1000 + i}/dist/index.js\nnpm ERR! errno -2\nnpm ERR! enoent ENOENT: no such file or directory, open '/home/${user}/pkg-${1000 + i}/dist/index.js'` }),
      ev('ToolCallRecorded', { toolCallId: `c${i}b`, toolName: 'Bash', input: { command: 'npm run build' } }),
      ev('ToolResultRecorded', { toolCallId: `c${i}b`, toolName: 'Bash', isError: false, output: 'built dist/ in 1.2s' }),
      ev('ToolCallRecorded', { toolCallId: `c${i}c`, toolName: 'Bash', input: { command: 'npm publish' } }),
      ev('ToolResultRecorded', { toolCallId: `c${i}c`, toolName: 'Bash', isError: false, output: `+ pkg@1.${i}.0` }),
      ev('SessionEnded', { outcome: 'success' }),
    ];
  });
}

/** The same story as Claude Code transcripts (`~/.claude/projects` JSONL), written into `dir`. */
export async function writeClaudeCodeTranscripts(dir: string, count: number): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const sessionId = deterministicId('cc-e2e', String(i));
    const cwd = `/home/dev${i}/proj-${4200 + i}`;
    let n = 0;
    let parent: string | null = null;
    const ts = () => new Date(Date.UTC(2026, 10, 2 + i, 10, 0, n)).toISOString();
    const line = (o: Record<string, unknown>) => {
      const uuid = deterministicId(sessionId, 'line', String(n++));
      const l = JSON.stringify({ parentUuid: parent, isSidechain: false, userType: 'external', cwd, sessionId, version: '2.1.14', gitBranch: 'main', uuid, timestamp: ts(), ...o });
      parent = uuid;
      return l;
    };
    const toolUse = (id: string, command: string) => line({ type: 'assistant', message: { model: 'claude-opus-4-5', id: `msg_${i}_${id}`, type: 'message', role: 'assistant', content: [{ type: 'tool_use', id, name: 'Bash', input: { command } }] } });
    const toolResult = (id: string, content: string, isError: boolean) => line({ type: 'user', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content, is_error: isError }] }, toolUseResult: isError ? `Error: ${content}` : { stdout: content, stderr: '', interrupted: false } });
    const lines = [
      line({ type: 'user', message: { role: 'user', content: 'Publish the package to npm' } }),
      toolUse(`toolu_${i}a`, 'npm publish'),
      toolResult(`toolu_${i}a`, `Exit code 254\nnpm ERR! code ENOENT\nnpm ERR! enoent ENOENT: no such file or directory, open '${cwd}/dist/index.js'`, true),
      toolUse(`toolu_${i}b`, 'npm run build'),
      toolResult(`toolu_${i}b`, 'built dist/', false),
      toolUse(`toolu_${i}c`, 'npm publish'),
      toolResult(`toolu_${i}c`, `+ proj-${4200 + i}@1.0.0`, false),
      line({ type: 'assistant', message: { model: 'claude-opus-4-5', id: `msg_${i}_done`, type: 'message', role: 'assistant', content: [{ type: 'text', text: 'Published.' }] } }),
    ];
    const file = path.join(dir, `project-${i}`, `${sessionId}.jsonl`);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, lines.join('\n') + '\n');
    files.push(file);
  }
  return files;
}

/** Role-scoped operator keys, one per role a step of the loop needs, for two tenants. */
export const E2E_KEYS = {
  acme: { ingest: 'acme-ingest-key-0001', reviewer: 'acme-reviewer-key-0001', approver: 'acme-approver-key-0001', agent: 'acme-agent-key-00001' },
  beta: { ingest: 'beta-ingest-key-0001', reviewer: 'beta-reviewer-key-0001', approver: 'beta-approver-key-0001', agent: 'beta-agent-key-00001', admin: 'beta-admin-key-00001' },
} as const;

/** `REVERIE_API_KEYS` for `keys`: `key:tenant:role`, one role per key. */
export function apiKeysSpec(keys: Record<string, Record<string, string>> = E2E_KEYS): string {
  return Object.entries(keys).flatMap(([tenant, byRole]) => Object.entries(byRole).map(([role, key]) => `${key}:${tenant}:${role}`)).join(',');
}

/** A JSON GET with an API key, answering the status and the parsed body. */
export type GetJson = <T>(service: ServiceName, route: string, key: string) => Promise<{ status: number; body: T }>;

/**
 * After a manual dream was requested over `publishWithoutBuildSessions`: waits for it to complete
 * with proposals, for the proposals to reach governance, and returns the "npm publish without a
 * build" mistake among them.
 */
export async function awaitPublishMistakeProposal(requested: { status: number; body: DreamView }, get: GetJson, reviewer: string): Promise<{ dream: DreamView; lessons: LessonView[]; lesson: LessonView }> {
  expect(requested.status).toBe(202);
  const dream = await eventually(async () => {
    const d = (await get<DreamView>('dreaming', ROUTES.dream(requested.body.id), reviewer)).body;
    return d.status === 'completed' || d.status === 'failed' ? d : undefined;
  }, { what: 'dream completed', timeoutMs: 30000 });
  expect(dream.status).toBe('completed');
  expect(dream.proposedLessonIds.length).toBeGreaterThanOrEqual(1);
  const lessons = await eventually(async () => {
    const all = (await get<LessonView[]>('lesson-governance', `${ROUTES.lessons}?limit=500`, reviewer)).body;
    const proposed = all.filter((l) => dream.proposedLessonIds.includes(l.id) && l.status !== 'proposed');
    return proposed.length === dream.proposedLessonIds.length ? proposed : undefined;
  }, { what: 'proposals projected and checked by the guardrails' });
  const lesson = lessons.find((l) => l.kind === 'mistake' && /npm publish|ENOENT|dist/i.test(l.text));
  expect(lesson).toBeDefined();
  expect({ status: lesson?.status, violations: lesson?.policy?.violations }).toEqual({ status: 'in-review', violations: [] });
  return { dream, lessons, lesson: lesson as LessonView };
}

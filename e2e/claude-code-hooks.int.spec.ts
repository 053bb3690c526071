/**
 * Claude Code integration, run as Claude Code runs it: `reverie hooks install` writes the hooks
 * into a project's settings; the SessionStart and SessionEnd hook commands are started as child
 * processes with the JSON Claude Code passes on stdin, against session-ingest and agent-serving on
 * the real NATS and Postgres.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { lessonEventSchema, newId, servingEventSchema, type LessonClaim, type SessionEvent } from '@reverie/contracts';
import { CONSUMERS, EventStore } from '@reverie/event-store';
import { decide, evolveAll, toEnvelopes, type LessonCommandMetadata } from '@reverie/lesson-domain';
import type { ServiceHandle } from '@reverie/service-kit';
import { eventually, natsTestEnv, operatorKeys, pgTestEnv, type NatsTestEnv, type PgTestEnv } from '@reverie/testing';
import { createApp as createServing } from '../apps/agent-serving/src/app.factory';
import { loadServingConfig } from '../apps/agent-serving/src/config/serving.config';
import { createApp as createIngest } from '../apps/session-ingest/src/app.factory';
import { loadIngestConfig } from '../apps/session-ingest/src/config/ingest.config';

jest.setTimeout(60_000);

const ROOT = path.resolve(__dirname, '..');
const TRANSCRIPT = path.join(ROOT, 'samples/real/claude-code/hello-world-script.jsonl');
const { keys: KEYS, REVERIE_API_KEYS } = operatorKeys({ hooks: { tenant: 'acme', roles: 'ingest+agent' } });

describe('Claude Code hooks (the hook commands run with Claude Code\'s stdin)', () => {
  let nats: NatsTestEnv;
  let pg: PgTestEnv;
  let store: EventStore;
  let ingest: ServiceHandle;
  let serving: ServiceHandle;
  let project: string;
  const lessonId = newId();

  /** Runs the CLI as Claude Code would run a hook command: stdin in, stdout and exit code out. */
  const cli = (args: string[], stdin = ''): Promise<{ code: number | null; stdout: string; stderr: string }> => new Promise((resolve) => {
    const child = spawn(process.execPath, ['-r', path.join(ROOT, 'tools/swc-register.cjs'), path.join(ROOT, 'apps/cli/src/main.ts'), ...args], {
      cwd: project,
      env: { PATH: process.env.PATH ?? '', HOME: project, REVERIE_API_KEY: KEYS.hooks.key, REVERIE_SERVING_URL: serving.url, REVERIE_INGEST_URL: ingest.url, XDG_CONFIG_HOME: path.join(project, '.config') },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });

  beforeAll(async () => {
    project = mkdtempSync(path.join(os.tmpdir(), 'reverie-hooks-'));
    nats = await natsTestEnv({ consumers: CONSUMERS });
    pg = await pgTestEnv();
    store = new EventStore(nats.nc, nats.topology);
    const env = { NATS_URL: 'nats://127.0.0.1:4222', DATABASE_URL: pg.url, REVERIE_NAMESPACE: nats.topology.namespace, PORT: '0', LOG_LEVEL: 'silent', REVERIE_API_KEYS };
    ingest = await createIngest(loadIngestConfig(env), { handleSignals: false });
    serving = await createServing(loadServingConfig(env), { handleSignals: false });
    const now = new Date().toISOString();
    const claim: LessonClaim = {
      kind: 'mistake', scope: { tenantId: 'acme', agentId: 'coder' }, text: 'Make a new shell script executable (chmod +x) before running it.', fingerprint: 'fp-chmod',
      support: { sessions: 3, distinctUsers: 2, occurrences: 3, firstSeen: now, lastSeen: now }, effectSize: null, confidence: 0.7, evidence: { refs: [], counts: {} },
    };
    const dreaming: LessonCommandMetadata = { now, actor: { kind: 'service', id: 'dreaming' }, correlationId: 'd' };
    const proposed = toEnvelopes('acme', lessonId, decide({ type: 'ProposeLesson', data: { ...claim, dreamId: 'd-1', policyCheck: { verdict: 'pass', violations: [] } }, metadata: dreaming }, evolveAll([])), dreaming, () => newId());
    const rita: LessonCommandMetadata = { now, actor: { kind: 'reviewer', id: 'rita' }, correlationId: 'c' };
    const approved = toEnvelopes('acme', lessonId, decide({ type: 'ApproveLesson', data: {}, metadata: rita }, evolveAll(proposed.map((e) => lessonEventSchema.parse(e)))), rita, () => newId());
    await store.appendToAggregate('lessons', [...proposed, ...approved], 0);
  });

  afterAll(async () => {
    await serving?.shutdown();
    await ingest?.shutdown();
    await nats?.cleanup();
    await pg?.cleanup();
    rmSync(project, { recursive: true, force: true });
  });

  it('installs the hooks into the project\'s settings, merged with what is there; again changes nothing; --dry-run shows the diff', async () => {
    mkdirSync(path.join(project, '.claude'));
    const file = path.join(project, '.claude/settings.json');
    writeFileSync(file, JSON.stringify({ permissions: { allow: ['Bash(npm test)'] }, hooks: { PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: './guard.sh' }] }] } }, null, 2));
    const dry = await cli(['hooks', 'install', '--agent', 'coder', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('+    "SessionStart": [');
    expect(dry.stdout).toContain('reverie hooks session-start --agent coder');
    expect(JSON.parse(readFileSync(file, 'utf8')).hooks.SessionStart).toBeUndefined(); // nothing written
    expect((await cli(['hooks', 'install', '--agent', 'coder'])).stdout).toMatch(/Reverie's hooks for agent coder are in/);
    const settings = JSON.parse(readFileSync(file, 'utf8'));
    expect(settings.permissions).toEqual({ allow: ['Bash(npm test)'] });
    expect(settings.hooks.PreToolUse).toEqual([{ matcher: 'Bash', hooks: [{ type: 'command', command: './guard.sh' }] }]);
    expect(settings.hooks.SessionStart).toEqual([{ hooks: [{ type: 'command', command: 'reverie hooks session-start --agent coder', timeout: 15 }] }]);
    expect(settings.hooks.SessionEnd).toEqual([{ hooks: [{ type: 'command', command: 'reverie hooks session-end --agent coder', timeout: 60 }] }]);
    const again = await cli(['hooks', 'install', '--agent', 'coder']);
    expect(again.stdout).toMatch(/already has Reverie's hooks/);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(settings);
  });

  it('SessionStart prints the agent\'s lessons as additional context and records them as served to the session', async () => {
    await eventually(async () => (await fetch(`${serving.url}/v1/agents/coder/lessons`, { headers: { 'x-api-key': KEYS.hooks.key } }).then((r) => r.json()) as { lessons: unknown[] }).lessons.length === 1, { what: 'the lesson served' });
    const run = await cli(['hooks', 'session-start', '--agent', 'coder'], JSON.stringify({ session_id: 'cc-sess-1', transcript_path: TRANSCRIPT, cwd: project, hook_event_name: 'SessionStart', source: 'startup' }));
    expect(run.code).toBe(0);
    const output = JSON.parse(run.stdout) as { hookSpecificOutput: { hookEventName: string; additionalContext: string } };
    expect(output.hookSpecificOutput.hookEventName).toBe('SessionStart');
    expect(output.hookSpecificOutput.additionalContext).toMatch(/^Guidance from Reverie for agent coder/);
    expect(output.hookSpecificOutput.additionalContext).toContain('Make a new shell script executable (chmod +x) before running it.');
    const served = (await store.readAggregate('serving', 'acme', 'coder')).events.map((e) => servingEventSchema.parse(e.event));
    expect(served.some((e) => e.type === 'LessonsServed' && e.data.sessionId === 'cc-sess-1' && e.data.lessons.some((l) => l.lessonId === lessonId))).toBe(true);
  });

  it('SessionEnd sends the transcript to ingest as the agent\'s session', async () => {
    const run = await cli(['hooks', 'session-end', '--agent', 'coder'], JSON.stringify({ session_id: 'de3b8b19-5bc0-4a2a-934a-1b6806567e25', transcript_path: TRANSCRIPT, cwd: project, hook_event_name: 'SessionEnd', reason: 'exit' }));
    expect([run.code, run.stdout, run.stderr]).toEqual([0, '', '']);
    const events = await eventually(async () => {
      const { events: e } = await store.readAggregate<SessionEvent>('sessions', 'acme', 'de3b8b19-5bc0-4a2a-934a-1b6806567e25');
      return e.length > 0 && e;
    }, { what: 'the session on SESSIONS' });
    expect(events[0].event).toMatchObject({ type: 'SessionStarted', data: expect.objectContaining({ agentId: 'coder' }) });
  });

  it('never breaks the session: a hook that cannot reach Reverie, or gets bad input, says why on stderr and exits 0 with nothing on stdout', async () => {
    const bad = await cli(['hooks', 'session-end', '--agent', 'coder'], 'not json');
    expect([bad.code, bad.stdout]).toEqual([0, '']);
    expect(bad.stderr).toMatch(/^reverie hooks session-end: /);
    const noTranscript = await cli(['hooks', 'session-end', '--agent', 'coder'], JSON.stringify({ session_id: 'x' }));
    expect(noTranscript.stderr).toMatch(/no transcript_path/);
  });
});

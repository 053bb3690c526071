import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { ROUTES, SUBJECT_TOKEN } from '@reverie/contracts';
import { guidanceText, type LessonsAnswer } from '@reverie/lessons-mcp';
import type { CliConfig } from '../cli-config';
import { callService, CliError } from '../http';
import type { Output } from '../output';
import { reverieHookCommands, withReverieHooks } from './hook-settings';
import { ingestCommand } from './ingest.command';

export interface HooksInstallOptions { agent?: string; project?: boolean; user?: boolean; dryRun?: boolean; settings?: string; command?: string }

/** Where the hooks go: the project's `.claude/settings.json` (default), or the user's. */
export function settingsPath(opts: Pick<HooksInstallOptions, 'project' | 'user' | 'settings'>, cwd = process.cwd(), home = os.homedir()): string {
  if (opts.settings) return path.resolve(cwd, opts.settings);
  if (opts.project && opts.user) throw new CliError('choose one of --project and --user');
  return opts.user ? path.join(home, '.claude', 'settings.json') : path.join(cwd, '.claude', 'settings.json');
}

function agentOf(agent: string | undefined): string {
  const id = agent ?? process.env.REVERIE_AGENT_ID;
  if (!id) throw new CliError('name the agent the sessions belong to: --agent <id> (or REVERIE_AGENT_ID)');
  if (!SUBJECT_TOKEN.test(id)) throw new CliError(`--agent: "${id}" is not an agent id (1-128 characters of A-Z a-z 0-9 _ -)`);
  return id;
}

/**
 * `reverie hooks install`: writes Claude Code's SessionStart hook (the agent's lessons as
 * additional context) and SessionEnd hook (the transcript to ingest) into its settings, merged
 * with what is there and idempotent; `--dry-run` prints the change as a diff and writes nothing.
 */
export async function hooksInstallCommand(config: CliConfig, out: Output, opts: HooksInstallOptions): Promise<number> {
  const agentId = agentOf(opts.agent);
  const file = settingsPath(opts);
  const before = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw new CliError(`cannot read ${file}: ${err.message}`);
  });
  let current: unknown = {};
  if (before !== undefined && before.trim()) {
    try { current = JSON.parse(before); } catch (err) { throw new CliError(`${file} is not valid JSON (${(err as Error).message}); fix it or move it away first`); }
  }
  let merged;
  try { merged = withReverieHooks(current, reverieHookCommands(opts.command ?? 'reverie', agentId)); } catch (err) { throw new CliError(`${file}: ${(err as Error).message}`); }
  const after = `${JSON.stringify(merged, null, 2)}\n`;
  const changed = after !== before;
  if (opts.dryRun) {
    const diff = changed ? createTwoFilesPatch(file, file, before ?? '', after, before === undefined ? '(new file)' : 'now', 'with Reverie\'s hooks') : '';
    out.result({ file, changed, diff }, () => (changed ? diff.trimEnd() : `${file} already has Reverie's hooks for agent ${agentId}: nothing to change`));
    return 0;
  }
  if (changed) {
    await mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.reverie-${process.pid}.tmp`;
    await writeFile(tmp, after, 'utf8');
    await rename(tmp, file);
  }
  out.result({ file, changed, agentId }, () => (changed
    ? `Reverie's hooks for agent ${agentId} are in ${file}: SessionStart adds the agent's lessons to the context, SessionEnd sends the transcript to ingest.`
    : `${file} already has Reverie's hooks for agent ${agentId}: nothing to change`));
  return 0;
}

async function stdinJson(): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  const parsed: unknown = JSON.parse(text);
  if (!parsed || typeof parsed !== 'object') throw new Error('the hook input is not a JSON object');
  return parsed as Record<string, unknown>;
}

/** A hook never breaks the session it runs in: what went wrong goes to stderr, the exit code is 0. */
async function failOpen(what: string, fn: () => Promise<void>): Promise<number> {
  try {
    await fn();
  } catch (err) {
    process.stderr.write(`reverie ${what}: ${(err as Error).message}\n`);
  }
  return 0;
}

/**
 * `reverie hooks session-start`: Claude Code's SessionStart hook. Reads the hook input on stdin,
 * asks agent-serving for the agent's lessons (recorded as served to this session) and prints them
 * as `additionalContext`.
 */
export function hookSessionStartCommand(config: CliConfig, opts: { agent?: string }): Promise<number> {
  return failOpen('hooks session-start', async () => {
    const agentId = agentOf(opts.agent);
    const input = await stdinJson();
    const sessionId = typeof input.session_id === 'string' && input.session_id ? input.session_id : undefined;
    const answer = await callService<LessonsAnswer>(config, 'agent-serving', `${ROUTES.agentLessons(agentId)}${sessionId ? `?sessionId=${encodeURIComponent(sessionId)}` : ''}`);
    if (!answer.lessons.length) return;
    process.stdout.write(`${JSON.stringify({ hookSpecificOutput: { hookEventName: 'SessionStart', additionalContext: guidanceText(answer) } })}\n`);
  });
}

/** `reverie hooks session-end`: Claude Code's SessionEnd hook. Sends the session's transcript (`transcript_path`) to ingest. */
export function hookSessionEndCommand(config: CliConfig, opts: { agent?: string }): Promise<number> {
  return failOpen('hooks session-end', async () => {
    const agentId = agentOf(opts.agent);
    const input = await stdinJson();
    const transcript = input.transcript_path;
    if (typeof transcript !== 'string' || !transcript) throw new Error('the hook input has no transcript_path');
    const quiet: Output = { json: true, result: () => undefined, note: () => undefined };
    await ingestCommand(config, quiet, [transcript], { format: 'claude-code', agent: agentId });
  });
}

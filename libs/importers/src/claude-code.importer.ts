import { ImportError } from './import.error';
import { newSession, type ImportContext } from './import.context';
import type { FormatImport, ImportedSession } from './import.types';
import { baseName, isRecord, str, textOf, toSubjectToken, type Json } from './import.util';
import { readJsonl, type JsonlLine } from './jsonl.reader';
import type { SessionBuilder } from './session.builder';

/**
 * Claude Code transcripts (`~/.claude/projects/<project>/<session>.jsonl`).
 *
 * - Assistant lines carry one content block each; lines sharing `message.id` are one API response,
 *   so their text blocks become ONE AssistantMessageRecorded (placed at the first text block) and
 *   each tool_use block a ToolCallRecorded. Thinking blocks are not recorded.
 * - User lines: text → UserMessageRecorded; tool_result blocks → ToolResultRecorded (`is_error`;
 *   the structured `toolUseResult` fills in when the block has no text). A rejected tool call
 *   ("User rejected tool use" / "The user doesn't want to proceed with this tool use") gives the
 *   error result plus FeedbackRecorded 'rejected_tool_call'. "[Request interrupted by user]" gives
 *   FeedbackRecorded 'interrupted'; the "... for tool use" variant that Claude Code writes right
 *   after a rejection is not counted twice.
 * - `isMeta` lines are skipped, except hook feedback ("Stop hook feedback: ...") which the model
 *   reads as a user turn: it is recorded as a user message with actor kind 'system'.
 *   Slash commands become "/name args"; local command output and caveats are skipped.
 * - `isSidechain` lines (subagents) form child sessions with `parentSessionId` set.
 * - `system` compact_boundary → CompactionRecorded. progress, file-history-snapshot,
 *   queue-operation and other system lines are ignored.
 * - Outcome: transcripts carry none, so 'unknown'; 'abandoned' when the session's last step is
 *   a user interruption or rejection.
 */
export function importClaudeCode(ctx: ImportContext, content: string, lineOwners?: ReadonlyMap<string, string>): FormatImport {
  const { lines, rejected, nonEmpty } = readJsonl(ctx.file, content);
  if (nonEmpty > 0 && lines.length === 0) {
    throw new ImportError(ctx.file, `not a Claude Code transcript: none of its ${nonEmpty} lines is a JSON object`);
  }
  const groups = groupLines(ctx, lines);
  const title = [...lines].reverse().map((l) => l.value).find((v) => v['type'] === 'summary' && typeof v['summary'] === 'string')?.['summary'] as string | undefined;
  const sessions = [...groups.values()].map((g) => importGroup(ctx, g, title, continuedSession(g, lineOwners)));
  return { sessions, rejected };
}

interface Group {
  nativeId: string;
  parentSessionId?: string;
  lines: JsonlLine[];
}

const CONVERSATION_TYPES = new Set(['user', 'assistant', 'system']);

function groupLines(ctx: ImportContext, lines: JsonlLine[]): Map<string, Group> {
  const sidechainByUuid = new Map<string, Json>();
  for (const { value } of lines) {
    if (value['isSidechain'] === true && typeof value['uuid'] === 'string') sidechainByUuid.set(value['uuid'], value);
  }
  const rootOf = (rec: Json): string => {
    let cur = rec;
    for (let hops = 0; hops < 100_000; hops++) {
      const parent = typeof cur['parentUuid'] === 'string' ? sidechainByUuid.get(cur['parentUuid']) : undefined;
      if (!parent) break;
      cur = parent;
    }
    return str(cur['uuid']) ?? 'sidechain';
  };

  const groups = new Map<string, Group>();
  for (const l of lines) {
    const rec = l.value;
    if (!CONVERSATION_TYPES.has(str(rec['type']) ?? '')) continue;
    const sessionId = str(rec['sessionId']) ?? baseName(ctx.file);
    let key = `main:${sessionId}`;
    let group: Omit<Group, 'lines'> = { nativeId: sessionId };
    if (rec['isSidechain'] === true) {
      const agent = str(rec['agentId']) ?? rootOf(rec);
      key = `side:${sessionId}:${agent}`;
      group = { nativeId: `${sessionId}-agent-${agent}`, parentSessionId: toSubjectToken(sessionId) };
    }
    const existing = groups.get(key);
    if (existing) existing.lines.push(l);
    else groups.set(key, { ...group, lines: [l] });
  }
  return groups;
}

const INTERRUPTED = /^\[Request interrupted by user( for tool use)?\]/;
const REJECTED = /^(User rejected tool use|The user doesn't want to proceed with this tool use)/;
const HOOK_FEEDBACK = /^[\w -]*hook feedback:/i;
const LOCAL_OUTPUT = /^<(local-command-stdout|local-command-stderr|local-command-caveat)>/;

/**
 * The session a main conversation continues: `claude --continue`/`--resume` (and transcripts a
 * hook saves piecemeal) start a new file whose first line's `parentUuid` points at a line of
 * another session. `lineOwners` (uuid → native session id, from `indexClaudeCodeLines` over every
 * file being imported) says which; without it nothing is linked.
 */
function continuedSession(group: Group, lineOwners: ReadonlyMap<string, string> | undefined): string | undefined {
  if (!lineOwners || group.parentSessionId) return undefined;
  const own = new Set(group.lines.map((l) => str(l.value['uuid'])).filter(Boolean));
  const parent = str(group.lines[0].value['parentUuid']);
  const owner = parent && !own.has(parent) ? lineOwners.get(parent) : undefined;
  return owner && owner !== group.nativeId ? owner : undefined;
}

/** uuid → native session id of every main-conversation line of a transcript (sidechains excluded): the index `continuedSession` reads. */
export function indexClaudeCodeLines(fileName: string, content: string, into = new Map<string, string>()): Map<string, string> {
  for (const line of content.split('\n')) {
    if (!line.includes('"uuid"')) continue;
    let v: unknown;
    try { v = JSON.parse(line); } catch { continue; }
    if (!isRecord(v) || v['isSidechain'] === true) continue;
    const uuid = str(v['uuid']);
    const session = str(v['sessionId']) ?? baseName(fileName);
    if (uuid && !into.has(uuid)) into.set(uuid, session);
  }
  return into;
}

function importGroup(ctx: ImportContext, group: Group, title: string | undefined, continues?: string): ImportedSession {
  const b = newSession(ctx, 'claude-code', group.nativeId);
  const responses = new Map<string, number>();
  const toolNames = new Map<string, string>();
  let task: string | undefined;
  let endsInterrupted = false;
  let lastWasRejection = false;
  const first = group.lines[0].value;

  const userText = (text: string, ts: unknown) => {
    const t = text.trim();
    if (!t || LOCAL_OUTPUT.test(t)) return;
    if (INTERRUPTED.test(t)) {
      if (!(lastWasRejection && t.includes('for tool use'))) b.feedback('interrupted', { text: t, ts });
      endsInterrupted = true;
      lastWasRejection = false;
      return;
    }
    const slash = /^<command-name>([^<]*)<\/command-name>/.exec(t);
    const text2 = slash ? `${slash[1]} ${/<command-args>([\s\S]*?)<\/command-args>/.exec(t)?.[1] ?? ''}`.trim() : t;
    b.userMessage(text2, ts);
    task ??= text2;
    endsInterrupted = false;
    lastWasRejection = false;
  };

  for (const { value: rec } of group.lines) {
    const ts = rec['timestamp'];
    const type = rec['type'];
    const message = isRecord(rec['message']) ? rec['message'] : undefined;
    if (type === 'system') {
      if (rec['subtype'] === 'compact_boundary') {
        const meta = isRecord(rec['compactMetadata']) ? rec['compactMetadata'] : {};
        b.compaction(str(meta['trigger']), typeof meta['preTokens'] === 'number' ? meta['preTokens'] : undefined, ts);
      }
      continue;
    }
    if (!message) continue;
    if (type === 'assistant') {
      assistantLine(b, message, ts, responses, toolNames);
      endsInterrupted = false;
      lastWasRejection = false;
      continue;
    }
    // user line
    if (rec['isCompactSummary'] === true) continue;
    if (rec['isMeta'] === true) {
      const text = textOf(message['content']).trim();
      if (HOOK_FEEDBACK.test(text)) b.userMessage(text, ts, { kind: 'system', id: 'claude-code-hook' });
      continue;
    }
    const content = message['content'];
    if (typeof content === 'string') {
      userText(content, ts);
      continue;
    }
    if (!Array.isArray(content)) continue;
    for (const block of content) {
      if (!isRecord(block)) continue;
      if (block['type'] === 'text') userText(str(block['text']) ?? '', ts);
      else if (block['type'] === 'tool_result') {
        const rejected = toolResult(b, block, rec['toolUseResult'], ts, toolNames);
        if (rejected) {
          endsInterrupted = true;
          lastWasRejection = true;
        }
      }
    }
  }

  const outcome = endsInterrupted ? 'abandoned' : 'unknown';
  return b.build(
    {
      title,
      task,
      parentSessionId: group.parentSessionId,
      startedAt: first['timestamp'],
      metadata: { ...pickMetadata(first, group.nativeId), ...(continues ? { continuesSessionId: toSubjectToken(continues) } : {}) },
    },
    {
      outcome,
      reason: endsInterrupted ? 'the session ends with the user interrupting or rejecting the agent' : undefined,
      endedAt: group.lines[group.lines.length - 1].value['timestamp'],
    },
  );
}

function assistantLine(b: SessionBuilder, message: Json, ts: unknown, responses: Map<string, number>, toolNames: Map<string, string>): void {
  const model = str(message['model']);
  const responseId = str(message['id']);
  const blocks = typeof message['content'] === 'string' ? [{ type: 'text', text: message['content'] }] : message['content'];
  if (!Array.isArray(blocks)) return;
  for (const block of blocks) {
    if (!isRecord(block)) continue;
    if (block['type'] === 'text') {
      const text = (str(block['text']) ?? '').trim();
      if (!text) continue;
      const at = responseId !== undefined ? responses.get(responseId) : undefined;
      if (at !== undefined) b.appendAssistantText(at, text);
      else {
        const index = b.assistantMessage(text, ts, model);
        if (responseId !== undefined) responses.set(responseId, index);
      }
    } else if (block['type'] === 'tool_use') {
      const id = str(block['id']) ?? `call-${b.size}`;
      const name = str(block['name']) ?? 'unknown';
      toolNames.set(id, name);
      b.toolCall(id, name, block['input'], ts);
    }
  }
}

/** Records the result; returns true when it was a rejected tool call. */
function toolResult(b: SessionBuilder, block: Json, structured: unknown, ts: unknown, toolNames: Map<string, string>): boolean {
  const id = str(block['tool_use_id']) ?? `result-${b.size}`;
  let output = textOf(block['content']);
  if (!output.trim()) output = structuredText(structured);
  const rejected = REJECTED.test(output.trim()) || structured === 'User rejected tool use';
  const isError = block['is_error'] === true || rejected;
  b.toolResult(id, toolNames.get(id), output, isError, ts);
  if (rejected) b.feedback('rejected_tool_call', { toolCallId: id, text: output, ts });
  return rejected;
}

/** `toolUseResult` as text when the tool_result block itself is empty (e.g. Bash stdout/stderr). */
function structuredText(structured: unknown): string {
  if (typeof structured === 'string') return structured;
  if (!isRecord(structured)) return '';
  const parts = ['stdout', 'stderr', 'content', 'result']
    .map((k) => structured[k])
    .filter((v): v is string => typeof v === 'string' && v.length > 0);
  return parts.length ? parts.join('\n') : '';
}

function pickMetadata(first: Json, nativeId: string): Record<string, unknown> {
  const meta: Record<string, unknown> = { nativeSessionId: nativeId };
  for (const k of ['cwd', 'gitBranch', 'version', 'agentId'] as const) {
    if (typeof first[k] === 'string') meta[k] = first[k];
  }
  return meta;
}

import { ImportError } from './import.error';
import { newSession, type ImportContext } from './import.context';
import type { FormatImport, ImportRejection } from './import.types';
import { clip, toIso } from './import.util';
import type { SessionBuilder } from './session.builder';

const TURN = /^_\*\*(User|Assistant|Agent)\b([^*]*)\*\*_\s*$/;
const TITLE = /^#\s+(?:SpecStory:\s*)?(.+?)(?:\s+\((\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2})?Z?)\))?\s*$/;
const STAMP = /\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2})?Z?/;
const FILE_STAMP = /^(\d{4}-\d{2}-\d{2})(?:_(\d{2})-(\d{2})(?:-(\d{2}))?)?/;
const SESSION_COMMENT = /^<!--\s*(.+?)\s+Session\s+([0-9a-fA-F-]{8,})\b/;
const FENCE_OPEN = /^```([\w+-]*)/;
const SHELL_LANGS = new Set(['bash', 'sh', 'shell', 'zsh', 'console']);

/** Cursor tool names for the phrases SpecStory prints ("Model provided invalid arguments to terminal tool."). */
const TOOL_PHRASES: Record<string, string> = {
  terminal: 'run_terminal_cmd', 'read file': 'read_file', 'edit file': 'edit_file', 'codebase search': 'codebase_search',
  'file search': 'file_search', 'grep search': 'grep_search', grep: 'grep_search', 'list dir': 'list_dir', 'list directory': 'list_dir', 'web search': 'web_search',
};
const toolOfPhrase = (phrase: string): string => TOOL_PHRASES[phrase.toLowerCase().trim()] ?? (phrase.toLowerCase().trim().replace(/\W+/g, '_') || 'unknown');

/** Tool failures SpecStory (Cursor) prints instead of the call: the whole block is the message. */
const TOOL_FAILURES: { pattern: RegExp; tool: (m: RegExpExecArray) => string; input: (m: RegExpExecArray) => Record<string, unknown> }[] = [
  { pattern: /^Could not find file '([^'\n]*)'(?: in the workspace\.|\. Did you mean one of:[\s\S]*)$/, tool: () => 'read_file', input: (m) => ({ path: m[1] }) },
  { pattern: /^Could not resolve URI: Error: Unable to resolve nonexistent (?:file|directory) '([^'\n]*)'$/, tool: () => 'list_dir', input: (m) => ({ path: m[1] }) },
  { pattern: /^Model provided invalid arguments to ([\w ]+?) tool\.?$/, tool: (m) => toolOfPhrase(m[1]), input: () => ({}) },
  { pattern: /^Tool call timed out after \d+m?s \(([\w ]+)\)$/, tool: (m) => toolOfPhrase(m[1]), input: () => ({}) },
  { pattern: /^Unable to write file '([^'\n]*)' \([^\n]*\)$/, tool: () => 'edit_file', input: (m) => ({ path: m[1] }) },
];

/** Test-runner summaries (bun, jest, pytest): when present they decide, logged errors of passing tests do not. */
const FAILED_TESTS = [/^\s*([1-9]\d*) fail$/m, /^Tests:\s+.*?\b([1-9]\d*) failed\b/m, /^=+ .*?\b([1-9]\d*) failed\b.* =+$/m];
const TEST_SUMMARY = [/^\s*\d+ fail$/m, /^Tests:\s+.*\b(?:passed|failed)\b/m, /^=+ .*\b(?:passed|failed)\b.* =+$/m];
/** Lines a failing command prints, anchored at the line start so file contents and diffs rarely match. */
const FAILED_COMMAND = [
  /^error: /m, // bun, git, commander: `error: unknown option '--task'`, `error: script "lint" exited with code 1`
  /^fatal: /m, // git
  /^(?:[A-Z]\w*)?Error: \S/m, // an uncaught exception or a CLI's own error line
  /^(?:zsh|bash|sh)(?::\d+)?: .*(?:command not found|no such file or directory|permission denied)/im,
  /^(?:cat|ls|cd|cp|mv|rm|mkdir|rmdir|head|tail|env|source|touch|chmod)(?::\d+)?: .*(?:no such file or directory|permission denied)/im,
  /^CONFLICT \(/m,
  /^Traceback \(most recent call last\):/m,
  /^Exit code [1-9]\d*$/m,
  /exited with code [1-9]\d*$/m,
];

/** Whether terminal output shows that the command failed; no exit code is saved, so only clear signs count. */
export function isFailedCommandOutput(output: string): boolean {
  if (TEST_SUMMARY.some((p) => p.test(output))) return FAILED_TESTS.some((p) => p.test(output)) || /exited with code [1-9]\d*$/m.test(output);
  return FAILED_COMMAND.some((p) => p.test(output));
}

interface Block {
  line: number;
  text: string;
}

interface Turn {
  role: 'user' | 'assistant';
  line: number;
  ts?: string;
  model?: string;
  lines: string[];
}

/** What one block of an assistant turn records. */
type Step =
  | { kind: 'text'; text: string }
  | { kind: 'call'; name: string; input: Record<string, unknown>; result?: { output: string; isError: boolean } }
  | { kind: 'cancelled' }
  | { kind: 'none' }
  | { kind: 'rejected'; reason: string };

/**
 * SpecStory Markdown exports (`.specstory/history/<UTC time>-<slug>.md`) of Cursor and Claude Code chats.
 *
 * - `_**User**_` turns → UserMessageRecorded (the first is the task). `_**Assistant**_` /
 *   `_**Agent (…)**_` turns are cut into blocks at `---` lines (and `<tool-use>` blocks);
 *   `<think>` blocks are not recorded.
 * - Text blocks → AssistantMessageRecorded. Tool blocks → ToolCallRecorded with Cursor's tool
 *   names: `Read file: P` → read_file {path}; a ```bash block → run_terminal_cmd {command} with the
 *   following output block as its result; a ```diff block → edit_file {diff};
 *   `<details><summary>Searched codebase "q"` / `Listed directory P` / `Grep search for "q"` /
 *   `Searched web "q"` → codebase_search / list_dir / grep_search / web_search with the block's
 *   content as result; `<tool-use data-tool-name="X">` (newer exports) → X. Where SpecStory shows
 *   no result (reads, edits, a command without output) none is recorded.
 * - Errors, conservatively: terminal output with a failed test summary or a line a failing
 *   command prints (`error:`, `fatal:`, `Error:`, `command not found`, `No such file or
 *   directory`, `CONFLICT (`, a traceback, a non-zero `Exit code`); and the tool failures Cursor
 *   prints in place of a call ("Could not find file …", "Model provided invalid arguments to …",
 *   "Tool call timed out …") → the call plus an error result.
 * - `Cancelled` → FeedbackRecorded 'interrupted'; the outcome is 'abandoned' when the session
 *   ends on it, else 'unknown'.
 * - Time: the file name's UTC minute (`2025-04-27_21-51-…`), refined to the second by the title's
 *   local time when the two differ by a whole time-zone offset; turn headers' times when present.
 * - A SpecStory summary without turns (`# SpecStory: …`) is a session with its title and the
 *   summary in metadata. Unclosed blocks (a truncated file) are rejected naming their line.
 */
export function importSpecStory(ctx: ImportContext, content: string): FormatImport {
  const lines = content.replace(/^\uFEFF/, '').split(/\r?\n/);
  const nativeId = (ctx.file.split(/[\\/]/).pop() ?? ctx.file).replace(/\.md$/i, '') || 'specstory';
  const turns = splitTurns(lines);
  const head = lines.slice(0, turns.length ? turns[0].line - 1 : lines.length);
  const titleLine = head.map((l) => TITLE.exec(l)).find((m) => m !== null);
  const headerTs = titleLine?.[2];
  const start = startTime(nativeId, headerTs);
  const metadata: Record<string, unknown> = { nativeSessionId: nativeId };
  const session = head.map((l) => SESSION_COMMENT.exec(l.trim())).find((m) => m !== null);
  if (session) Object.assign(metadata, { harness: session[1], harnessSessionId: session[2] });
  const b = newSession(ctx, 'specstory', nativeId);

  if (!turns.length) {
    const summary = head.filter((l) => !l.startsWith('<!--') && l !== titleLine?.[0]).join('\n').trim();
    if (!summary || !/^\s*(?:<!--\s*Generated by SpecStory|#\s+SpecStory\b)/.test(content)) {
      throw new ImportError(ctx.file, 'not a SpecStory chat: no _**User**_ or _**Assistant**_ turn lines');
    }
    metadata['summary'] = clip(summary, 20_000);
    return { sessions: [b.build({ title: titleLine?.[1], startedAt: start.iso, metadata }, { outcome: 'unknown', reason: 'a SpecStory summary without the conversation' })], rejected: [] };
  }

  const rejected: ImportRejection[] = [];
  const clock = turnClock(start);
  let task: string | undefined;
  let endsCancelled = false;
  for (const turn of turns) {
    clock.turn(turn.ts);
    if (turn.role === 'user') {
      const text = stripSeparators(turn.lines).join('\n').trim();
      if (!text) continue;
      b.userMessage(text, clock.next());
      task ??= text;
      endsCancelled = false;
      continue;
    }
    for (const block of assistantBlocks(turn, rejected, ctx.file)) {
      classify(block.text).forEach((step, k) => {
        if (step.kind === 'none') return;
        if (step.kind === 'rejected') {
          rejected.push({ file: ctx.file, line: block.line, reason: step.reason });
          return;
        }
        endsCancelled = step.kind === 'cancelled';
        record(b, step, clock.next, k ? `line-${block.line}-${k}` : `line-${block.line}`, turn.model);
      });
    }
  }
  return {
    sessions: [b.build(
      { title: titleLine?.[1], task, startedAt: start.iso, metadata },
      { outcome: endsCancelled ? 'abandoned' : 'unknown', reason: endsCancelled ? 'the session ends with the user cancelling the agent' : undefined },
    )],
    rejected,
  };
}

function record(b: SessionBuilder, step: Exclude<Step, { kind: 'rejected' | 'none' }>, next: () => string | undefined, id: string, model?: string): void {
  if (step.kind === 'text') b.assistantMessage(step.text, next(), model);
  else if (step.kind === 'cancelled') b.feedback('interrupted', { text: 'Cancelled', ts: next() });
  else {
    b.toolCall(id, step.name, step.input, next());
    if (step.result) b.toolResult(id, step.name, step.result.output, step.result.isError, next());
  }
}

function splitTurns(lines: string[]): Turn[] {
  const turns: Turn[] = [];
  lines.forEach((l, i) => {
    const m = TURN.exec(l);
    if (!m) {
      turns[turns.length - 1]?.lines.push(l);
      return;
    }
    const meta = m[2];
    const turn: Turn = { role: m[1] === 'User' ? 'user' : 'assistant', line: i + 1, lines: [] };
    const ts = STAMP.exec(meta)?.[0];
    if (ts) turn.ts = ts;
    const model = /\bmodel ([^\s,)]+)/.exec(meta)?.[1];
    if (model) turn.model = model;
    turns.push(turn);
  });
  return turns;
}

const isBlank = (l: string | undefined) => l === undefined || l.trim() === '';
const isSeparator = (lines: string[], i: number) => lines[i].trim() === '---' && isBlank(lines[i - 1]) && isBlank(lines[i + 1]);

function stripSeparators(lines: string[]): string[] {
  const out = [...lines];
  while (out.length && (isBlank(out[out.length - 1]) || out[out.length - 1].trim() === '---')) out.pop();
  return out;
}

/** An assistant turn's blocks: cut at `---` separator lines and around `<tool-use>` blocks, without `<think>` blocks. */
function assistantBlocks(turn: Turn, rejected: ImportRejection[], file: string): Block[] {
  const blocks: Block[] = [];
  let cur: string[] = [];
  let curLine = 0;
  const flush = () => {
    const text = cur.join('\n').trim();
    if (text) blocks.push({ line: curLine, text });
    cur = [];
  };
  const lines = turn.lines;
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    const at = turn.line + 1 + i;
    const trimmed = line.trim();
    const wrapper = trimmed.startsWith('<think>') ? '</think>' : trimmed.startsWith('<tool-use') ? '</tool-use>' : undefined;
    if (wrapper) {
      flush();
      let j = i;
      while (j < lines.length && !lines[j].includes(wrapper)) j++;
      if (j === lines.length) {
        rejected.push({ file, line: at, reason: `a ${wrapper.replace('/', '')} block is not closed by ${wrapper} (truncated file?)` });
      } else if (wrapper === '</tool-use>') {
        blocks.push({ line: at, text: lines.slice(i, j + 1).join('\n').trim() });
      }
      i = j + 1;
      continue;
    }
    if (isSeparator(lines, i)) flush();
    else {
      if (!cur.length && trimmed) curLine = at;
      if (cur.length || trimmed) cur.push(line);
    }
    i++;
  }
  flush();
  return blocks;
}

/** What an assistant block records: tool calls (with their results when shown), a cancellation, or text. */
function classify(text: string, nameOverride?: string): Step[] {
  const first = text.split('\n', 1)[0].trim();
  const legacy = /^Tool use: \*\*([^*]+)\*\*\s*$/.exec(first);
  if (legacy) {
    const name = legacy[1].trim();
    const rest = text.includes('\n') ? text.slice(text.indexOf('\n') + 1).trim() : '';
    const steps = rest ? classify(rest, name) : [];
    return steps[0]?.kind === 'call' || steps[0]?.kind === 'rejected' ? steps : [{ kind: 'call', name, input: {} }, ...steps];
  }
  if (first.startsWith('<tool-use')) return [toolUse(text)];
  if (first.startsWith('<details')) {
    const close = text.indexOf('</details>');
    if (close < 0) return [{ kind: 'rejected', reason: 'a <details> block is not closed by </details> (truncated file?)' }];
    const after = text.slice(close + '</details>'.length).trim();
    return [details(text.slice(0, close + '</details>'.length), nameOverride), ...(after ? classify(after) : [])];
  }
  const fence = FENCE_OPEN.exec(first);
  if (fence && SHELL_LANGS.has(fence[1].toLowerCase())) return [terminal(text, nameOverride)];
  if (fence && fence[1].toLowerCase() === 'diff') {
    const body = fenced(text.split('\n'), 0);
    return [body ? { kind: 'call', name: nameOverride ?? 'edit_file', input: { diff: body.content } } : { kind: 'rejected', reason: 'the ```diff block is not closed (truncated file?)' }];
  }
  const lines = text.split('\n').filter((l) => l.trim());
  if (lines.every((l) => /^Read file: \S/.test(l.trim()))) {
    return lines.map((l) => ({ kind: 'call', name: nameOverride ?? 'read_file', input: { path: l.trim().slice('Read file: '.length) } }));
  }
  if (text.trim() === 'Cancelled') return [{ kind: 'cancelled' }];
  for (const f of TOOL_FAILURES) {
    const m = f.pattern.exec(text.trim());
    if (m) return [{ kind: 'call', name: nameOverride ?? f.tool(m), input: f.input(m), result: { output: text.trim(), isError: true } }];
  }
  return [{ kind: 'text', text }];
}

/** A fenced block starting at `from`: its content up to the matching bare ``` line, or undefined when it is not closed. */
function fenced(lines: string[], from: number, last = false): { content: string; end: number } | undefined {
  let end = -1;
  for (let j = from + 1; j < lines.length; j++) {
    if (lines[j].trim() !== '```') continue;
    end = j;
    if (!last) break;
  }
  return end < 0 ? undefined : { content: lines.slice(from + 1, end).join('\n'), end };
}

/** ```bash command``` then, when it ran, ```output``` (its last bare ``` closes it: outputs may hold fences). */
function terminal(text: string, nameOverride?: string): Step {
  const lines = text.split('\n');
  const command = fenced(lines, 0);
  if (!command) return { kind: 'rejected', reason: 'the ```bash command block is not closed (truncated file?)' };
  const name = nameOverride ?? 'run_terminal_cmd';
  const input = { command: command.content.trim() };
  let k = command.end + 1;
  while (k < lines.length && isBlank(lines[k])) k++;
  if (k === lines.length) return { kind: 'call', name, input };
  if (!FENCE_OPEN.test(lines[k].trim())) return { kind: 'call', name, input, result: { output: lines.slice(k).join('\n').trim(), isError: false } };
  const output = fenced(lines, k, true);
  if (!output || lines.slice(output.end + 1).some((l) => l.trim())) {
    return { kind: 'rejected', reason: `the output block of \`${clip(input.command, 80)}\` is not closed (truncated file?)` };
  }
  return { kind: 'call', name, input, result: { output: output.content, isError: isFailedCommandOutput(output.content) } };
}

const SUMMARY_TOOLS: { pattern: RegExp; name: string; input: (m: RegExpExecArray) => Record<string, unknown> }[] = [
  { pattern: /^Searched codebase "([\s\S]*)"/, name: 'codebase_search', input: (m) => ({ query: m[1] }) },
  { pattern: /^Listed current directory/, name: 'list_dir', input: () => ({ path: '.' }) },
  { pattern: /^Listed directory (.+?)(?:\s+•.*)?$/, name: 'list_dir', input: (m) => ({ path: m[1] }) },
  { pattern: /^Grep search for "([\s\S]*?)"(?: in "([^"]*)")?/, name: 'grep_search', input: (m) => (m[2] ? { query: m[1], path: m[2] } : { query: m[1] }) },
  { pattern: /^Searched web "([\s\S]*)"/, name: 'web_search', input: (m) => ({ query: m[1] }) },
  { pattern: /^Searched files "([\s\S]*)"/, name: 'file_search', input: (m) => ({ query: m[1] }) },
  { pattern: /^Read file: (.+?)(?:\s+•.*)?$/, name: 'read_file', input: (m) => ({ path: m[1] }) },
  { pattern: /^Edit file: (.+?)(?:\s+•.*)?$/, name: 'edit_file', input: (m) => ({ path: m[1] }) },
  { pattern: /^Run command: ([\s\S]+)$/, name: 'run_terminal_cmd', input: (m) => ({ command: m[1] }) },
];

const summaryOf = (text: string) => (/<summary>([\s\S]*?)<\/summary>/.exec(text)?.[1] ?? '').replace(/\s+/g, ' ').trim();

/** Cursor's `<details><summary>Searched codebase "q" • **25** results</summary> result </details>`. */
function details(text: string, nameOverride?: string, shell = false): Step {
  const summary = summaryOf(text);
  if (/^Thought Process\b/i.test(summary)) return { kind: 'none' };
  const body = text.slice(text.indexOf('</summary>') + '</summary>'.length, text.lastIndexOf('</details>')).trim();
  const head = summary.replace(/^Tool use: \*\*[^*]+\*\*\s*(?:•\s*)?/, '').split(' • ')[0].replace(/\s*•\s*\*\*\d+\*\*.*$/, '').trim();
  const known = SUMMARY_TOOLS.map((t) => ({ t, m: t.pattern.exec(head) })).find((x) => x.m);
  const name = nameOverride ?? /^Tool use: \*\*([^*]+)\*\*/.exec(summary)?.[1] ?? known?.t.name ?? (head.split(/[\s"':•]+/).slice(0, 2).join('_').toLowerCase() || 'unknown');
  const input = known?.m ? known.t.input(known.m) : head ? { summary: head } : {};
  return bodyStep(name, input, body, shell || known?.t.name === 'run_terminal_cmd');
}

/** Newer exports: `<tool-use data-tool-type="shell" data-tool-name="Bash"><details>…</details></tool-use>`. */
function toolUse(text: string): Step {
  const open = /^<tool-use\b([^>]*)>/.exec(text.trim());
  const attr = (k: string) => new RegExp(`data-${k}="([^"]*)"`).exec(open?.[1] ?? '')?.[1];
  const inner = text.trim().slice(open ? open[0].length : 0).replace(/<\/tool-use>\s*$/, '').trim();
  const name = attr('tool-name') || 'unknown';
  const shell = attr('tool-type') === 'shell';
  if (!inner.startsWith('<details')) return bodyStep(name, {}, inner, shell);
  if (!inner.includes('</details>')) return { kind: 'rejected', reason: `the <details> block of ${name} is not closed (truncated file?)` };
  return details(inner, name, shell);
}

const INLINE_CODE = /^`([^`]+)`$/;

/**
 * A tool block's body: for shells an optional description, the command (a ```bash fence or one
 * `inline` line) and the output; a ```diff fence is an edit's input; the rest is the shown result.
 */
function bodyStep(name: string, input: Record<string, unknown>, body: string, shell: boolean): Step {
  const lines = body.split('\n');
  const fenceAt = lines.findIndex((l) => FENCE_OPEN.test(l.trim()));
  const lang = fenceAt >= 0 ? FENCE_OPEN.exec(lines[fenceAt].trim())?.[1].toLowerCase() : undefined;
  let from = 0;
  let commandAt = -1;
  if (lang !== undefined && (SHELL_LANGS.has(lang) || lang === 'diff')) {
    const block = fenced(lines, fenceAt);
    if (!block) return { kind: 'rejected', reason: `the \`\`\`${lang} block of ${name} is not closed (truncated file?)` };
    input = { ...input, ...(lang === 'diff' ? { diff: block.content } : { command: block.content.trim() }) };
    shell ||= lang !== 'diff';
    [commandAt, from] = [fenceAt, block.end + 1];
  } else if (shell) {
    const inline = lines.slice(0, fenceAt < 0 ? lines.length : fenceAt).findIndex((l) => INLINE_CODE.test(l.trim()));
    const code = inline >= 0 ? INLINE_CODE.exec(lines[inline].trim()) : null;
    if (code) {
      input = { ...input, command: code[1] };
      [commandAt, from] = [inline, inline + 1];
    }
  }
  const description = commandAt > 0 ? lines.slice(0, commandAt).join('\n').trim() : '';
  if (description) input = { description, ...input };
  const rest = lines.slice(from).join('\n').trim();
  if (!rest) return { kind: 'call', name, input };
  const restLines = rest.split('\n');
  const output = FENCE_OPEN.test(restLines[0].trim()) ? fenced(restLines, 0, true)?.content ?? rest : rest;
  const isError = shell ? isFailedCommandOutput(output) : /^\s*Error\b/.test(output) || TOOL_FAILURES.some((f) => f.pattern.test(output.trim()));
  return { kind: 'call', name, input, result: { output, isError } };
}

interface Start {
  iso?: string;
  /** Minutes to add to a local header time to get UTC. */
  offset: number;
}

/**
 * The file name's time is UTC to the minute; the title's is local to the second. When they differ
 * by a whole quarter-hour offset, the title's seconds are kept on the UTC time.
 */
function startTime(nativeId: string, headerTs?: string): Start {
  const f = FILE_STAMP.exec(nativeId);
  const fileIso = f ? toIso(`${f[1]}T${f[2] ?? '00'}:${f[3] ?? '00'}:${f[4] ?? '00'}Z`) : undefined;
  const headerIso = headerTs ? toIso(headerTs.replace(' ', 'T')) : undefined;
  if (headerTs?.endsWith('Z') || !fileIso) return { iso: headerIso ?? fileIso, offset: 0 };
  if (!headerIso || !f?.[2]) return { iso: fileIso, offset: 0 };
  const diffMin = (Date.parse(fileIso) - Date.parse(headerIso)) / 60_000;
  const offset = Math.round(diffMin / 15) * 15;
  if (Math.abs(offset) > 14 * 60 || Math.abs(diffMin - offset) >= 1) return { iso: fileIso, offset: 0 };
  return { iso: new Date(Date.parse(headerIso) + offset * 60_000).toISOString(), offset };
}

/** Event times: each turn's header time when it has one (local ones shifted to UTC), else 1 ms apart, never going back. */
function turnClock(start: Start) {
  let last = start.iso ? Date.parse(start.iso) : undefined;
  return {
    turn(ts?: string) {
      const utc = ts?.endsWith('Z') ?? false;
      const iso = ts ? toIso(utc ? ts.replace(' ', 'T') : ts) : undefined;
      if (!iso) return;
      const ms = Date.parse(iso) + (utc ? 0 : start.offset * 60_000);
      last = last === undefined ? ms - 1 : Math.max(last, ms - 1);
    },
    next(): string | undefined {
      if (last === undefined) return undefined;
      last += 1;
      return new Date(last).toISOString();
    },
  };
}

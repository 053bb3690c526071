import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { sessionEventSchema, type SessionEvent } from '@reverie/contracts';
import { detectFormat, importContent, ImportError, type ImportResult } from './index';
import { isFailedCommandOutput } from './specstory.importer';

// Cursor chats of one developer saved by SpecStory (samples/dev/cursor-specstory-minsky).
const DIR = resolve(__dirname, '../../../samples/dev/cursor-specstory-minsky');
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.md') && f !== 'SOURCE.md').sort();
const NOW = '2026-03-01T12:00:00.000Z';
const opts = { tenantId: 'acme', now: NOW };
const types = (events: SessionEvent[]) => events.map((e) => e.type);
const data = (e: SessionEvent | undefined) => e?.data as Record<string, unknown>;

describe('SpecStory importer on the real Cursor history', () => {
  const results = new Map<string, ImportResult>();
  beforeAll(() => {
    for (const f of FILES) results.set(f, importContent(f, readFileSync(join(DIR, f), 'utf8'), opts));
  });
  const sessions = () => [...results.values()].flatMap((r) => r.sessions);
  const count = (type: SessionEvent['type']) => sessions().reduce((n, s) => n + s.events.filter((e) => e.type === type).length, 0);

  it('detects and imports all 63 files, one session each, with no rejection', () => {
    expect(FILES).toHaveLength(63);
    for (const f of FILES) {
      expect([f, detectFormat(f, readFileSync(join(DIR, f), 'utf8'))]).toEqual([f, 'specstory']);
      expect([f, results.get(f)!.rejected]).toEqual([f, []]);
      expect(results.get(f)!.sessions).toHaveLength(1);
    }
  });

  /**
   * Counted independently with python over the raw files: 463 `_**User**_` turns; blocks between
   * `---` lines: 1537 ```bash, 698 ```diff, 443 `Read file:`, 333 <details>, 71 tool failures
   * printed in place of a call (35 "Could not find file", 18 "Model provided invalid arguments",
   * 12 "Could not resolve URI", 5 "Tool call timed out", 1 "Unable to write file"), 44 `Cancelled`;
   * 295 of the 1508 terminal outputs show a failure.
   */
  it('gives the expected totals', () => {
    const stats = sessions().map((s) => s.stats);
    const sum = (k: 'messages' | 'toolCalls' | 'toolErrors') => stats.reduce((n, s) => n + s[k], 0);
    expect(sessions()).toHaveLength(63);
    expect(count('UserMessageRecorded')).toBe(463);
    expect(count('AssistantMessageRecorded')).toBe(2940);
    expect(sum('messages')).toBe(3403);
    expect(sum('toolCalls')).toBe(1537 + 698 + 443 + 333 + 71);
    expect(count('ToolResultRecorded')).toBe(1508 + 333 + 71);
    expect(sum('toolErrors')).toBe(295 + 71);
    expect(count('FeedbackRecorded')).toBe(44);
    expect(sessions().reduce((n, s) => n + s.events.length, 0)).toBe(8567);
    const tools: Record<string, number> = {};
    for (const e of sessions().flatMap((s) => s.events)) if (e.type === 'ToolCallRecorded') tools[e.data.toolName] = (tools[e.data.toolName] ?? 0) + 1;
    expect(tools).toEqual({
      run_terminal_cmd: 1553, edit_file: 699, read_file: 483, codebase_search: 164, list_dir: 151, grep_search: 26, web_search: 5, file_search: 1,
    });
    const outcomes = stats.map((s) => s.outcome);
    expect(outcomes.filter((o) => o === 'abandoned')).toHaveLength(2);
    expect(outcomes.filter((o) => o === 'unknown')).toHaveLength(61);
  });

  it('keeps per-session counts', () => {
    const stats = (f: string) => results.get(f)!.sessions[0].stats;
    expect(stats('2025-05-01_19-32-starting-task-027.md')).toEqual({ messages: 238, toolCalls: 264, toolErrors: 38, outcome: 'unknown' });
    expect(stats('2025-04-28_19-10-starting-work-on-project-#004.md')).toEqual({ messages: 45, toolCalls: 79, toolErrors: 5, outcome: 'abandoned' });
    expect(stats('2025-04-26_23-34-untitled.md')).toEqual({ messages: 1, toolCalls: 10, toolErrors: 0, outcome: 'unknown' });
  });

  it('produces valid events in order, SessionStarted to SessionEnded, with the file name as native id', () => {
    for (const [f, r] of results) {
      const s = r.sessions[0];
      for (const e of s.events) {
        const parsed = sessionEventSchema.safeParse(e);
        if (!parsed.success) throw new Error(`${f} ${e.type} seq ${e.data.seq}: ${parsed.error.message}`);
      }
      expect(s.events.map((e) => e.data.seq)).toEqual(s.events.map((_, i) => i));
      expect(s.events.every((e, i) => i === 0 || e.occurredAt >= s.events[i - 1].occurredAt)).toBe(true);
      expect(s.events[0].type).toBe('SessionStarted');
      expect(s.events.at(-1)!.type).toBe('SessionEnded');
      expect(data(s.events[0])['metadata']).toMatchObject({ nativeSessionId: f.replace(/\.md$/, '') });
    }
    // '#' is not a subject-token character: the id is cleaned and keeps a hash of the original.
    expect(results.get('2025-04-28_16-54-task-#001-progress-check.md')!.sessions[0].sessionId).toMatch(/^2025-04-28_16-54-task--001-progress-check-[0-9a-f]{16}$/);
  });

  it('maps one conversation turn by turn, with the command failure as an error result', () => {
    const s = results.get('2025-04-29_16-46-debugging-pr-command-logic.md')!.sessions[0];
    const started = s.events[0];
    expect(data(started)).toMatchObject({ source: 'specstory', title: 'Debugging PR Command Logic', startedAt: '2025-04-29T16:46:13.000Z' });
    expect(String(data(started)['task'])).toMatch(/^enter into session 004/);
    expect(types(s.events.slice(1, 9))).toEqual([
      'UserMessageRecorded', 'ToolCallRecorded', 'ToolResultRecorded', 'ToolCallRecorded', 'ToolResultRecorded', 'ToolCallRecorded', 'AssistantMessageRecorded', 'UserMessageRecorded',
    ]);
    expect(data(s.events[2])).toMatchObject({ toolName: 'codebase_search', input: { query: 'logic for the pr command' } });
    expect(String(data(s.events[3])['output'])).toContain('`src/commands/git/pr.ts`');
    expect(data(s.events[6])).toMatchObject({ toolName: 'read_file', input: { path: 'src/domain/git.ts' } });
    const results2 = s.events.filter((e) => e.type === 'ToolResultRecorded' && e.data.toolName === 'run_terminal_cmd').map((e) => data(e));
    // The same test file run three times: it passes, fails on purpose against the old code, then times out.
    expect(results2.slice(0, 3).map((r) => r['isError'])).toEqual([false, true, true]);
    const edit = s.events.find((e) => e.type === 'ToolCallRecorded' && e.data.toolName === 'edit_file');
    expect(String((data(edit)['input'] as { diff: string }).diff)).toContain('${mergeBase}..${branch}');
  });

  it('records the tool failures Cursor prints instead of a call, and Cancelled as an interruption', () => {
    const errors = sessions().flatMap((s) => s.events).filter((e) => e.type === 'ToolResultRecorded' && e.data.isError).map((e) => String(data(e)['output']));
    expect(errors.filter((o) => o.startsWith('Model provided invalid arguments to terminal tool'))).toHaveLength(16);
    expect(errors.filter((o) => o.startsWith('Could not find file'))).toHaveLength(35);
    const abandoned = results.get('2025-04-28_18-53-starting-task-#008.md')!.sessions[0].events;
    expect(types(abandoned.slice(-2))).toEqual(['FeedbackRecorded', 'SessionEnded']);
    expect(data(abandoned.at(-2))).toMatchObject({ kind: 'interrupted', text: 'Cancelled' });
  });

  it('imports the summary-only file as a session without messages', () => {
    const s = results.get('2025-05-21_improve-mcp-error-handling.md')!.sessions[0];
    expect(types(s.events)).toEqual(['SessionStarted', 'SessionEnded']);
    expect(data(s.events[0])).toMatchObject({ title: 'Improve MCP Error Handling', startedAt: '2025-05-21T00:00:00.000Z' });
    expect(String((data(s.events[0])['metadata'] as { summary: string }).summary)).toMatch(/^## Conversation Summary/);
  });
});

describe('SpecStory importer edge cases', () => {
  const md = (...lines: string[]) => ['<!-- Generated by SpecStory -->', '', '# Fix it (2025-06-01 10:00:07)', '', ...lines].join('\n');
  const run = (content: string, file = '2025-06-01_14-00-fix-it.md') => importContent(file, content, { tenantId: 'acme', format: 'specstory' });

  it('names the problem with an empty, turnless or non-SpecStory file', () => {
    expect(() => run('')).toThrow('2025-06-01_14-00-fix-it.md: the file is empty');
    expect(() => run(md())).toThrow(new ImportError('2025-06-01_14-00-fix-it.md', 'not a SpecStory chat: no _**User**_ or _**Assistant**_ turn lines'));
    expect(() => run('# Notes\n\nplain markdown')).toThrow(/not a SpecStory chat/);
  });

  it('takes UTC from the file name and the seconds from the local title time', () => {
    const s = run(md('_**User**_', '', 'hi', '', '---', '', '_**Assistant**_', '', 'hello')).sessions[0];
    // 10:00:07 local is 14:00 UTC in the file name: UTC-4, so 14:00:07Z.
    expect(s.events[0].occurredAt).toBe('2025-06-01T14:00:07.000Z');
    expect(s.events.map((e) => e.occurredAt).slice(1, 3)).toEqual(['2025-06-01T14:00:07.001Z', '2025-06-01T14:00:07.002Z']);
    expect(s.stats).toEqual({ messages: 2, toolCalls: 0, toolErrors: 0, outcome: 'unknown' });
  });

  it('rejects truncated blocks by line and keeps the rest', () => {
    const cut = run(md('_**User**_', '', 'run the tests', '', '---', '', '_**Assistant**_', '', 'Running them.', '', '---', '', '```bash', 'bun te'));
    expect(cut.rejected).toEqual([{ file: '2025-06-01_14-00-fix-it.md', line: 17, reason: 'the ```bash command block is not closed (truncated file?)' }]);
    expect(types(cut.sessions[0].events)).toEqual(['SessionStarted', 'UserMessageRecorded', 'AssistantMessageRecorded', 'SessionEnded']);
    const output = run(md('_**Assistant**_', '', '```bash', 'bun test', '```', '', '```', ' 3 pass'));
    expect(output.rejected.map((r) => r.reason)).toEqual(['the output block of `bun test` is not closed (truncated file?)']);
    const details = run(md('_**Assistant**_', '', '<details>', '  <summary>Listed directory src • **2** results</summary>', '| Name |'));
    expect(details.rejected.map((r) => [r.line, r.reason])).toEqual([[7, 'a <details> block is not closed by </details> (truncated file?)']]);
    const toolUse = run(md('_**Agent (model claude-x)**_', '', '<tool-use data-tool-type="shell" data-tool-name="Bash">', '<details><summary>Tool use: **Bash**</summary>'));
    expect(toolUse.rejected.map((r) => r.reason)).toEqual(['a <tool-use> block is not closed by </tool-use> (truncated file?)']);
  });

  it('reads the newer layout: timed turn headers, <tool-use> blocks and <think>', () => {
    const content = [
      '<!-- Generated by SpecStory, Markdown v2.1.0 -->', '', '<!-- Claude Code Session 0f1e2d3c-aaaa-bbbb-cccc-111122223333 (2026-05-01 10:00:00Z) -->', '',
      '# build and test (2026-05-01 10:00:00Z)', '', '_**User (2026-05-01 10:00:00Z)**_', '', 'can we run the tests', '', '---', '',
      '_**Agent (model claude-opus-4-6 2026-05-01 10:00:05Z)**_', '', '<think><details><summary>Thought Process</summary>', 'hmm', '</details></think>', '',
      'Running them.', '',
      '<tool-use data-tool-type="shell" data-tool-name="Bash"><details>', '<summary>Tool use: **Bash**</summary>', 'Run the suite', '`go test ./...`', '```text',
      'FAIL ./pkg', 'Exit code 1', '```', '</details></tool-use>', '',
      '<tool-use data-tool-type="read" data-tool-name="Read"><details>', '<summary>Tool use: **Read** • Read file: main.go</summary>', '', '</details></tool-use>',
      'One test fails.', '', '---', '', '_**User (2026-05-01 10:01:00Z)**_', '', 'Cancelled?', '',
    ].join('\n');
    expect(detectFormat('2026-05-01_10-00Z-build-and-test.md', content)).toBe('specstory');
    const s = importContent('2026-05-01_10-00Z-build-and-test.md', content, { tenantId: 'acme' }).sessions[0];
    expect(types(s.events)).toEqual([
      'SessionStarted', 'UserMessageRecorded', 'AssistantMessageRecorded', 'ToolCallRecorded', 'ToolResultRecorded', 'ToolCallRecorded', 'AssistantMessageRecorded', 'UserMessageRecorded', 'SessionEnded',
    ]);
    expect(data(s.events[0])['metadata']).toMatchObject({ harness: 'Claude Code', harnessSessionId: '0f1e2d3c-aaaa-bbbb-cccc-111122223333' });
    expect(data(s.events[2])).toMatchObject({ text: 'Running them.', model: 'claude-opus-4-6' });
    expect(s.events[2].occurredAt).toBe('2026-05-01T10:00:05.000Z');
    expect(data(s.events[3])).toMatchObject({ toolName: 'Bash', input: { description: 'Run the suite', command: 'go test ./...' } });
    expect(data(s.events[4])).toMatchObject({ output: 'FAIL ./pkg\nExit code 1', isError: true });
    expect(data(s.events[5])).toMatchObject({ toolName: 'Read', input: { path: 'main.go' } });
    expect(s.events[7].occurredAt).toBe('2026-05-01T10:01:00.000Z');
  });

  it('calls terminal output failed only on clear signs', () => {
    expect(isFailedCommandOutput('edobry@host minsky % minsky tasks list\nerror: unknown option \'--x\'\n')).toBe(true);
    expect(isFailedCommandOutput('zsh: command not found: minsky')).toBe(true);
    expect(isFailedCommandOutput("fatal: not a git repository (or any of the parent directories): .git")).toBe(true);
    expect(isFailedCommandOutput('CONFLICT (content): Merge conflict in a.ts\nAutomatic merge failed')).toBe(true);
    expect(isFailedCommandOutput(' 3 pass\n 1 fail\nRan 4 tests')).toBe(true);
    // A passing run that logs errors, diffs and file contents that mention errors are no failures.
    expect(isFailedCommandOutput('error: Session not found (logged by a test)\n 4 pass\n 0 fail\nRan 4 tests')).toBe(false);
    expect(isFailedCommandOutput('-  throw new Error("x")\n+  return error: 1')).toBe(false);
    expect(isFailedCommandOutput('Switched to branch main\n')).toBe(false);
  });

  it('is not detected for plain Markdown or JSON Lines, and old formats keep their detection', () => {
    expect(detectFormat('notes.md', '# Notes\n\n_**User**_ alone is not a chat')).toBeUndefined();
    const claude = JSON.stringify({ type: 'user', sessionId: 's', uuid: 'u', message: { role: 'user', content: '_**User**_' } });
    expect(detectFormat('x.jsonl', claude)).toBe('claude-code');
  });
});

describe('detection across all the bundled samples', () => {
  const SAMPLES = resolve(__dirname, '../../../samples');
  const walk = (d: string): string[] => readdirSync(d).sort().flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)]));
  const REAL: Record<string, string> = { 'claude-code': 'claude-code', 'tau-bench': 'tau-bench', 'swe-agent': 'swe-agent', 'otel-genai': 'otel' };

  it('finds the two new formats exactly in their sets and keeps the old formats of samples/real', () => {
    for (const file of walk(SAMPLES)) {
      const rel = relative(SAMPLES, file);
      const detected = detectFormat(file.split('/').pop()!, readFileSync(file, 'utf8'));
      const expected = /^dev\/cursor-specstory-minsky\/2.*\.md$/.test(rel) ? 'specstory'
        : /^dev\/mini-swe-agent\/trajs\//.test(rel) ? 'mini-swe-agent'
          : rel.startsWith('real/') ? REAL[rel.split('/')[1]] : undefined;
      if (expected) expect([rel, detected]).toEqual([rel, expected]);
      else expect([rel, detected === 'specstory' || detected === 'mini-swe-agent']).toEqual([rel, false]);
    }
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { sessionEventSchema, SUBJECT_TOKEN } from '@reverie/contracts';
import { detectFormat, importContent, type ImportFormat, type ImportResult } from './index';

// The real sample transcripts bundled in the repository (samples/real).
const SAMPLES = resolve(__dirname, '../../../samples/real');
const read = (rel: string) => readFileSync(join(SAMPLES, rel), 'utf8');
const NOW = '2026-03-01T12:00:00.000Z';

interface Expected { messages: number; toolCalls: number; toolErrors: number; outcome: string }

/**
 * Expected counts were taken independently with python over the raw files: messages = real
 * user prompts + hook feedback turns + distinct assistant responses with non-blank text;
 * tool calls = tool_use blocks / tool_calls / trajectory actions; tool errors = is_error results,
 * "Error:" tool messages, failing observations.
 */
const CASES: { file: string; format: ImportFormat; sessions: Expected[] }[] = [
  { file: 'claude-code/coverage-test-fix.jsonl', format: 'claude-code', sessions: [{ messages: 11, toolCalls: 13, toolErrors: 1, outcome: 'unknown' }] },
  { file: 'claude-code/hello-world-script.jsonl', format: 'claude-code', sessions: [{ messages: 4, toolCalls: 2, toolErrors: 0, outcome: 'unknown' }] },
  { file: 'claude-code/python-to-rust-port.jsonl', format: 'claude-code', sessions: [{ messages: 18, toolCalls: 39, toolErrors: 0, outcome: 'unknown' }] },
  { file: 'claude-code/short.jsonl', format: 'claude-code', sessions: [{ messages: 2, toolCalls: 2, toolErrors: 2, outcome: 'abandoned' }] },
  { file: 'claude-code/stop-hook-uncommitted-changes.jsonl', format: 'claude-code', sessions: [{ messages: 4, toolCalls: 2, toolErrors: 0, outcome: 'unknown' }] },
  { file: 'claude-code/tool_heavy.jsonl', format: 'claude-code', sessions: [{ messages: 4, toolCalls: 6, toolErrors: 0, outcome: 'abandoned' }] },
  {
    file: 'tau-bench/gpt-4o-airline.tasks-21-26.json',
    format: 'tau-bench',
    sessions: [
      { messages: 22, toolCalls: 4, toolErrors: 0, outcome: 'failure' }, // task 21 trial 0, reward 0
      { messages: 15, toolCalls: 8, toolErrors: 1, outcome: 'success' }, // task 26 trial 0
      { messages: 13, toolCalls: 0, toolErrors: 0, outcome: 'success' }, // task 21 trial 1
      { messages: 21, toolCalls: 10, toolErrors: 0, outcome: 'failure' }, // task 26 trial 1
      { messages: 9, toolCalls: 3, toolErrors: 0, outcome: 'success' }, // task 21 trial 2
      { messages: 13, toolCalls: 11, toolErrors: 1, outcome: 'success' }, // task 26 trial 2
      { messages: 10, toolCalls: 3, toolErrors: 0, outcome: 'success' }, // task 21 trial 3
      { messages: 15, toolCalls: 9, toolErrors: 0, outcome: 'failure' }, // task 26 trial 3
    ],
  },
  // SWE-agent: 1 task prompt + one thought per step; errors: a rejected edit (marshmallow), a traceback + 3 rejected edits (pydicom).
  { file: 'swe-agent/marshmallow-code__marshmallow-1867.function_calling.traj.json', format: 'swe-agent', sessions: [{ messages: 12, toolCalls: 11, toolErrors: 1, outcome: 'success' }] },
  { file: 'swe-agent/pydicom__pydicom-1458.traj.json', format: 'swe-agent', sessions: [{ messages: 13, toolCalls: 12, toolErrors: 4, outcome: 'success' }] },
  { file: 'swe-agent/swe-agent__test-repo-i1.traj.json', format: 'swe-agent', sessions: [{ messages: 6, toolCalls: 5, toolErrors: 0, outcome: 'success' }] },
  { file: 'otel-genai/spec-example-tool-call-spans.json', format: 'otel', sessions: [{ messages: 2, toolCalls: 1, toolErrors: 0, outcome: 'unknown' }] },
];

describe('importing the real sample files', () => {
  it('covers every sample file in samples/real', () => {
    const onDisk = readdirSync(SAMPLES).flatMap((d) => readdirSync(join(SAMPLES, d)).map((f) => `${d}/${f}`)).sort();
    expect(CASES.map((c) => c.file).sort()).toEqual(onDisk);
  });

  describe.each(CASES)('$file', ({ file, format, sessions }) => {
    const content = read(file);
    const name = file.split('/')[1];
    let result: ImportResult;
    beforeAll(() => {
      result = importContent(name, content, { tenantId: 'acme', now: NOW });
    });

    it(`is detected as ${format}`, () => {
      expect(detectFormat(name, content)).toBe(format);
      expect(result.format).toBe(format);
    });

    it('gives the expected sessions, messages, tool calls, tool errors and outcome', () => {
      expect(result.rejected).toEqual([]);
      expect(result.sessions.map((s) => s.stats)).toEqual(sessions);
    });

    it('produces events that all validate, numbered 0..n in order from SessionStarted to SessionEnded', () => {
      for (const s of result.sessions) {
        expect(s.sessionId).toMatch(SUBJECT_TOKEN);
        for (const e of s.events) {
          const parsed = sessionEventSchema.safeParse(e);
          if (!parsed.success) throw new Error(`${e.type} seq ${e.data.seq}: ${parsed.error.message}`);
          expect(e.streamId).toBe(s.sessionId);
          expect(e.correlationId).toBe(s.sessionId);
          expect(e.recordedAt).toBe(NOW);
        }
        expect(s.events.map((e) => e.data.seq)).toEqual(s.events.map((_, i) => i));
        expect(s.events[0].type).toBe('SessionStarted');
        expect(s.events[s.events.length - 1].type).toBe('SessionEnded');
        expect(new Set(s.events.map((e) => e.id)).size).toBe(s.events.length);
      }
    });

    it('gives identical events when imported twice', () => {
      const again = importContent(name, content, { tenantId: 'acme', now: NOW });
      expect(again).toEqual(result);
      const otherTenant = importContent(name, content, { tenantId: 'other', now: NOW });
      expect(otherTenant.sessions[0].events[0].id).not.toBe(result.sessions[0].events[0].id);
    });
  });

  it('records the Claude Code rejections and interruptions as user feedback', () => {
    const feedback = (file: string) => importContent(file, read(`claude-code/${file}`), { tenantId: 'acme' })
      .sessions[0].events.filter((e) => e.type === 'FeedbackRecorded').map((e) => e.data.kind);
    // short.jsonl: two rejected tool calls; its "[Request interrupted by user for tool use]" follows the rejection and is not counted twice.
    expect(feedback('short.jsonl')).toEqual(['rejected_tool_call', 'rejected_tool_call']);
    expect(feedback('tool_heavy.jsonl')).toEqual(['interrupted', 'interrupted']);
    expect(feedback('coverage-test-fix.jsonl')).toEqual([]);
  });

  it('keeps source timestamps, the Claude Code task and the tau-bench reward', () => {
    const claude = importContent('short.jsonl', read('claude-code/short.jsonl'), { tenantId: 'acme' }).sessions[0];
    const started = claude.events[0];
    expect(started.type === 'SessionStarted' && started.data.task).toBe('mix phx.server doesnt seem to start');
    // The first conversation line's time (the SessionStart hook progress lines before it are ignored).
    expect(started.occurredAt).toBe('2026-02-10T21:11:56.846Z');
    const tau = importContent('gpt-4o-airline.tasks-21-26.json', read('tau-bench/gpt-4o-airline.tasks-21-26.json'), { tenantId: 'acme' });
    const ended = tau.sessions[1].events.at(-1)!;
    expect(ended.type === 'SessionEnded' && ended.data.reward).toBe(1);
    const tauStart = tau.sessions[0].events[0];
    expect(tauStart.type === 'SessionStarted' && tauStart.data.userId).toBe('daiki_lee_6144');
  });

  it('takes the SWE-agent task from the issue text and names tools by the first word of the action', () => {
    const s = importContent('swe-agent__test-repo-i1.traj.json', read('swe-agent/swe-agent__test-repo-i1.traj.json'), { tenantId: 'acme' }).sessions[0];
    const started = s.events[0];
    expect(started.type === 'SessionStarted' && started.data.task?.startsWith('SyntaxError: invalid syntax')).toBe(true);
    const tools = s.events.filter((e) => e.type === 'ToolCallRecorded').map((e) => e.type === 'ToolCallRecorded' && e.data.toolName);
    expect(tools).toEqual(['find_file', 'open', 'edit', 'python', 'submit']);
  });

  it('fills the OTel tool result from the later tool_call_response', () => {
    const s = importContent('spans.json', read('otel-genai/spec-example-tool-call-spans.json'), { tenantId: 'acme' }).sessions[0];
    const result = s.events.find((e) => e.type === 'ToolResultRecorded');
    expect(result?.type === 'ToolResultRecorded' && result.data).toMatchObject({ toolCallId: 'call_VSPygqKTWdrhaFErNvMV18Yl', toolName: 'get_weather', output: 'rainy, 57°F', isError: false });
    expect(s.events.map((e) => e.type)).toEqual([
      'SessionStarted', 'UserMessageRecorded', 'ToolCallRecorded', 'ToolResultRecorded', 'AssistantMessageRecorded', 'SessionEnded',
    ]);
  });
});

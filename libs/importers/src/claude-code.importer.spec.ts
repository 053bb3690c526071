import { sessionEventSchema, type SessionEvent } from '@reverie/contracts';
import { importContent } from './index';

const S = 'sess-1';
let n = 0;
const line = (rec: Record<string, unknown>) => JSON.stringify({
  sessionId: S, isSidechain: false, uuid: `u${++n}`, timestamp: `2026-01-01T00:00:${String(n).padStart(2, '0')}.000Z`, ...rec,
});
const user = (content: unknown, extra: Record<string, unknown> = {}) => line({ type: 'user', message: { role: 'user', content }, ...extra });
const assistant = (id: string, block: unknown, extra: Record<string, unknown> = {}) =>
  line({ type: 'assistant', message: { id, model: 'claude-x', role: 'assistant', content: [block] }, ...extra });
const types = (events: SessionEvent[]) => events.map((e) => e.type);

describe('Claude Code importer', () => {
  beforeEach(() => { n = 0; });

  it('merges the lines of one API response and keeps tool calls and results in order', () => {
    const content = [
      user('fix the bug'),
      assistant('msg_1', { type: 'text', text: 'Looking.' }),
      assistant('msg_1', { type: 'thinking', thinking: 'hmm' }),
      assistant('msg_1', { type: 'text', text: 'Running tests.' }),
      assistant('msg_1', { type: 'tool_use', id: 't1', name: 'Bash', input: { command: 'npm test' } }),
      user([{ type: 'tool_result', tool_use_id: 't1', content: '', is_error: true }], { toolUseResult: { stdout: '', stderr: '1 failing' } }),
      assistant('msg_2', { type: 'text', text: 'Fixed.' }),
    ].join('\n');
    const s = importContent('x.jsonl', content, { tenantId: 'acme' }).sessions[0];
    expect(types(s.events)).toEqual([
      'SessionStarted', 'UserMessageRecorded', 'AssistantMessageRecorded', 'ToolCallRecorded', 'ToolResultRecorded', 'AssistantMessageRecorded', 'SessionEnded',
    ]);
    expect(s.events[2].data).toMatchObject({ text: 'Looking.\n\nRunning tests.', model: 'claude-x' });
    // The empty tool_result block is filled from the structured toolUseResult.
    expect(s.events[4].data).toMatchObject({ toolCallId: 't1', toolName: 'Bash', output: '1 failing', isError: true });
    expect(s.stats).toEqual({ messages: 3, toolCalls: 1, toolErrors: 1, outcome: 'unknown' });
    expect(s.events[1].actor).toEqual({ kind: 'user', id: 'user' });
    expect(s.events[3].actor).toEqual({ kind: 'agent', id: 'claude-code' });
  });

  it('turns a rejection into an error result plus feedback, and a final interruption into an abandoned session', () => {
    const content = [
      user('deploy it'),
      assistant('m1', { type: 'tool_use', id: 't1', name: 'Bash', input: { command: 'deploy' } }),
      user([{ type: 'tool_result', tool_use_id: 't1', content: 'User rejected tool use' }], { toolUseResult: 'User rejected tool use' }),
      user([{ type: 'text', text: '[Request interrupted by user for tool use]' }]),
      user('no, run the tests first'),
      assistant('m2', { type: 'text', text: 'OK' }),
      user([{ type: 'text', text: '[Request interrupted by user]' }]),
    ].join('\n');
    const s = importContent('x.jsonl', content, { tenantId: 'acme', userId: 'alice' }).sessions[0];
    const feedback = s.events.filter((e) => e.type === 'FeedbackRecorded');
    expect(feedback.map((e) => e.data)).toEqual([
      expect.objectContaining({ kind: 'rejected_tool_call', toolCallId: 't1', userId: 'alice' }),
      expect.objectContaining({ kind: 'interrupted', text: '[Request interrupted by user]' }),
    ]);
    expect(feedback[0].actor).toEqual({ kind: 'user', id: 'alice' });
    expect(s.stats).toEqual({ messages: 3, toolCalls: 1, toolErrors: 1, outcome: 'abandoned' });
  });

  it('links sidechain lines as a child session and records compaction boundaries', () => {
    const content = [
      user('research this'),
      assistant('m1', { type: 'tool_use', id: 'task1', name: 'Task', input: { prompt: 'look around' } }),
      user('look around', { isSidechain: true, agentId: 'a7' }),
      assistant('m2', { type: 'text', text: 'Found it' }, { isSidechain: true, agentId: 'a7' }),
      user([{ type: 'tool_result', tool_use_id: 'task1', content: 'Found it' }]),
      line({ type: 'system', subtype: 'compact_boundary', compactMetadata: { trigger: 'auto', preTokens: 155000 } }),
      user('This session is being continued...', { isCompactSummary: true }),
    ].join('\n');
    const r = importContent('x.jsonl', content, { tenantId: 'acme' });
    expect(r.sessions.map((s) => s.sessionId)).toEqual([S, `${S}-agent-a7`]);
    const [parent, child] = r.sessions;
    expect(child.events[0].data).toMatchObject({ parentSessionId: S, task: 'look around' });
    expect(child.stats).toEqual({ messages: 2, toolCalls: 0, toolErrors: 0, outcome: 'unknown' });
    expect(types(parent.events)).toEqual([
      'SessionStarted', 'UserMessageRecorded', 'ToolCallRecorded', 'ToolResultRecorded', 'CompactionRecorded', 'SessionEnded',
    ]);
    expect(parent.events[4].data).toEqual({ seq: 4, trigger: 'auto', preTokens: 155000 });
  });

  it('groups older sidechains without agentId by their root line', () => {
    const content = [
      user('main'),
      user('sub A', { isSidechain: true, uuid: 'ra', parentUuid: null }),
      assistant('x1', { type: 'text', text: 'a' }, { isSidechain: true, parentUuid: 'ra', uuid: 'ra2' }),
      user('sub B', { isSidechain: true, uuid: 'rb', parentUuid: null }),
      assistant('x2', { type: 'text', text: 'b' }, { isSidechain: true, parentUuid: 'ra2' }),
    ].join('\n');
    const r = importContent('x.jsonl', content, { tenantId: 'acme' });
    expect(r.sessions.map((s) => [s.sessionId, s.stats.messages])).toEqual([[S, 1], [`${S}-agent-ra`, 3], [`${S}-agent-rb`, 1]]);
  });

  it('records hook feedback as a system-authored user turn and slash commands as typed', () => {
    const content = [
      user('<command-name>/review</command-name>\n<command-message>review</command-message>\n<command-args>PR 42</command-args>'),
      user('<local-command-stdout>done</local-command-stdout>'),
      user('Stop hook feedback:\nCommit your changes', { isMeta: true }),
      user('<local-command-caveat>Caveat</local-command-caveat>', { isMeta: true }),
    ].join('\n');
    const s = importContent('x.jsonl', content, { tenantId: 'acme' }).sessions[0];
    const msgs = s.events.filter((e) => e.type === 'UserMessageRecorded');
    expect(msgs.map((e) => [e.data.text, e.actor.kind])).toEqual([
      ['/review PR 42', 'user'],
      ['Stop hook feedback:\nCommit your changes', 'system'],
    ]);
  });

  it('rejects malformed and truncated lines by number and imports the rest', () => {
    const good = [user('hello'), assistant('m1', { type: 'text', text: 'hi' })];
    const content = [good[0], '{not json', '42', good[1], '{"type":"user","message":{"ro'].join('\n');
    const r = importContent('x.jsonl', content, { tenantId: 'acme' });
    expect(r.rejected.map((x) => [x.line, x.reason.split(':')[0]])).toEqual([
      [2, 'not valid JSON'], [3, 'line is JSON but not an object'], [5, 'not valid JSON (truncated last line?)'],
    ]);
    expect(r.rejected.every((x) => x.file === 'x.jsonl')).toBe(true);
    expect(r.sessions[0].stats.messages).toBe(2);
    for (const e of r.sessions[0].events) expect(sessionEventSchema.safeParse(e).success).toBe(true);
  });

  it('hashes native session ids that are not subject tokens', () => {
    const content = JSON.stringify({ type: 'user', sessionId: 'a.b c', uuid: 'u1', message: { role: 'user', content: 'x' } });
    const s = importContent('x.jsonl', content, { tenantId: 'acme' }).sessions[0];
    expect(s.sessionId).toMatch(/^a-b-c-[0-9a-f]{16}$/);
    expect(s.events[0].data).toMatchObject({ metadata: { nativeSessionId: 'a.b c' } });
  });
});

import { sessionEventSchema, type SessionEvent } from '@reverie/contracts';
import { detectFormat, importContent } from './index';

const valid = (events: SessionEvent[]) => events.every((e) => sessionEventSchema.safeParse(e).success);
const dataOf = (events: SessionEvent[], type: SessionEvent['type']) => events.filter((e) => e.type === type).map((e) => e.data);

describe('Anthropic Messages API importer', () => {
  const messages = [
    { role: 'user', content: 'What is the weather in Paris?' },
    { role: 'assistant', content: [
      { type: 'thinking', thinking: '...' },
      { type: 'text', text: 'Let me check.' },
      { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
    ] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'city not found' }], is_error: true }] },
    { role: 'assistant', content: [{ type: 'text', text: 'Sorry, I could not find it.' }] },
  ];

  it('imports text, tool_use and tool_result blocks from {messages: [...]}', () => {
    const content = JSON.stringify({ id: 'conv_1', model: 'claude-sonnet', messages });
    expect(detectFormat('conv.json', content)).toBe('anthropic');
    const r = importContent('conv.json', content, { tenantId: 'acme' });
    const s = r.sessions[0];
    expect(s.sessionId).toBe('conv_1');
    expect(s.stats).toEqual({ messages: 3, toolCalls: 1, toolErrors: 1, outcome: 'unknown' });
    expect(dataOf(s.events, 'ToolResultRecorded')).toEqual([{ seq: 4, toolCallId: 'toolu_1', toolName: 'get_weather', output: 'city not found', isError: true }]);
    expect(dataOf(s.events, 'AssistantMessageRecorded')[0]).toMatchObject({ text: 'Let me check.', model: 'claude-sonnet' });
    expect(s.events[0].data).toMatchObject({ source: 'anthropic', agentId: 'anthropic', task: 'What is the weather in Paris?' });
    expect(valid(s.events)).toBe(true);
  });

  it('accepts a bare message array and several conversations in one file', () => {
    const bare = importContent('a.json', JSON.stringify(messages), { tenantId: 'acme', format: 'anthropic' });
    expect(bare.sessions).toHaveLength(1);
    const many = importContent('a.json', JSON.stringify([{ messages }, { messages: messages.slice(0, 1) }, { nope: 1 }]), { tenantId: 'acme', format: 'anthropic' });
    expect(many.sessions.map((s) => s.stats.messages)).toEqual([3, 1]);
    expect(many.rejected).toEqual([{ file: 'a.json', reason: 'item 2: not a conversation (no messages array)' }]);
  });
});

describe('OpenAI chat importer', () => {
  it('imports tool_calls with JSON-string arguments and tool messages, "Error:" marking an error', () => {
    const messages = [
      { role: 'system', content: 'You are helpful.' },
      { role: 'user', content: 'cancel order 7' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'cancel', arguments: '{"order":7}' } }] },
      { role: 'tool', tool_call_id: 'c1', name: 'cancel', content: 'Error: order 7 not found' },
      { role: 'assistant', content: 'Order 7 does not exist.' },
    ];
    const content = JSON.stringify({ messages });
    expect(detectFormat('chat.json', content)).toBe('openai');
    const s = importContent('chat.json', content, { tenantId: 'acme', agentId: 'support-bot' }).sessions[0];
    expect(s.stats).toEqual({ messages: 2, toolCalls: 1, toolErrors: 1, outcome: 'unknown' });
    expect(dataOf(s.events, 'ToolCallRecorded')).toEqual([{ seq: 2, toolCallId: 'c1', toolName: 'cancel', input: { order: 7 } }]);
    expect(s.events[2].actor).toEqual({ kind: 'agent', id: 'support-bot' });
    expect(valid(s.events)).toBe(true);
  });
});

describe('τ²-bench importer', () => {
  const results = {
    info: { domain: 'telecom' },
    simulations: [
      {
        id: 'sim-1', task_id: 't1', trial: 0, termination_reason: 'user_stop', reward_info: { reward: 0.0 },
        start_time: '2025-06-01T10:00:00.000000', end_time: '2025-06-01T10:05:00.000000',
        messages: [
          { role: 'assistant', content: 'Hi! How can I help?', turn_idx: 0, timestamp: '2025-06-01T10:00:01.000000' },
          { role: 'user', content: 'My phone has no data.', turn_idx: 1, timestamp: '2025-06-01T10:00:02.000000' },
          { role: 'assistant', content: null, tool_calls: [{ id: 'tc1', name: 'get_line', arguments: { phone: '555' }, requestor: 'assistant' }], turn_idx: 2 },
          { role: 'tool', id: 'tc1', content: 'Line not found', requestor: 'assistant', error: true, turn_idx: 3 },
          { role: 'user', content: null, tool_calls: [{ id: 'tc2', name: 'toggle_airplane_mode', arguments: {}, requestor: 'user' }], turn_idx: 4 },
          { role: 'tool', id: 'tc2', content: 'Airplane mode off', requestor: 'user', error: false, turn_idx: 5 },
        ],
      },
      { id: 'sim-2', task_id: 't1', trial: 1, termination_reason: 'too_many_errors', messages: [] },
      { id: 'sim-3', task_id: 't2', trial: 0, reward_info: { reward: 1 }, messages: [{ role: 'user', content: 'thanks' }] },
    ],
  };

  it('imports simulations with object arguments, error flags, user-side tool calls and reward outcomes', () => {
    const content = JSON.stringify(results);
    expect(detectFormat('results.json', content)).toBe('tau2');
    const r = importContent('results.json', content, { tenantId: 'acme' });
    expect(r.sessions.map((s) => [s.sessionId, s.stats])).toEqual([
      ['sim-1', { messages: 2, toolCalls: 2, toolErrors: 1, outcome: 'failure' }],
      ['sim-2', { messages: 0, toolCalls: 0, toolErrors: 0, outcome: 'failure' }],
      ['sim-3', { messages: 1, toolCalls: 0, toolErrors: 0, outcome: 'success' }],
    ]);
    const s = r.sessions[0];
    expect(dataOf(s.events, 'ToolCallRecorded')[0]).toMatchObject({ toolName: 'get_line', input: { phone: '555' } });
    expect(s.events.filter((e) => e.type === 'ToolCallRecorded').map((e) => e.actor.kind)).toEqual(['agent', 'user']);
    expect(dataOf(s.events, 'ToolResultRecorded')[0]).toMatchObject({ toolCallId: 'tc1', toolName: 'get_line', isError: true });
    // τ² timestamps have no offset; they are read as UTC, never as the machine's local time.
    expect(s.events[0].occurredAt).toBe('2025-06-01T10:00:00.000Z');
    expect(s.events.at(-1)!.data).toMatchObject({ outcome: 'failure', reward: 0, reason: 'termination: user_stop' });
    expect(valid(s.events)).toBe(true);
  });
});

describe('fallback timestamps', () => {
  it('derive from options.now (or a fixed epoch) plus one millisecond per step, never the clock', () => {
    const content = JSON.stringify([{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'hello' }]);
    const withNow = importContent('c.json', content, { tenantId: 'acme', now: '2026-01-01T00:00:00Z' }).sessions[0].events;
    expect(withNow.map((e) => e.occurredAt)).toEqual([
      '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.001Z', '2026-01-01T00:00:00.002Z', '2026-01-01T00:00:00.003Z',
    ]);
    const without = importContent('c.json', content, { tenantId: 'acme' }).sessions[0].events;
    expect(without[0].occurredAt).toBe('1970-01-01T00:00:00.000Z');
    expect(without[0].recordedAt).toBe('1970-01-01T00:00:00.000Z');
  });
});

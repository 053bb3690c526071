import type { SessionEvent } from '@reverie/contracts';
import { sessionDeltas } from './session-summary';

const env = (id: string, type: string, data: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  ({ id, type, schemaVersion: 1, tenantId: 't', streamId: 's1', occurredAt: '2025-01-01T00:00:05.000Z', recordedAt: '2025-01-01T00:01:00.000Z', actor: { kind: 'agent', id: 'a' }, correlationId: 'c', data, ...extra }) as unknown as SessionEvent;

describe('sessionDeltas', () => {
  it('given a session\'s events, when folded, then counts, outcome, times and redactions are summed per session', () => {
    const events = [
      env('e0', 'SessionStarted', { seq: 0, agentId: 'agent', userId: 'u', source: 'native', startedAt: '2025-01-01T00:00:00.000Z' }),
      env('e1', 'UserMessageRecorded', { seq: 1, text: 'hi' }, { redactions: { email: 2 } }),
      env('e2', 'AssistantMessageRecorded', { seq: 2, text: 'ok' }),
      env('e3', 'ToolCallRecorded', { seq: 3, toolCallId: 'c', toolName: 'bash', input: {} }),
      env('e4', 'ToolResultRecorded', { seq: 4, toolCallId: 'c', output: 'boom', isError: true }, { redactions: { email: 1, jwt: 1 } }),
      env('e5', 'ToolResultRecorded', { seq: 5, toolCallId: 'c', output: 'ok', isError: false }),
      env('e6', 'SessionEnded', { seq: 6, outcome: 'failure' }),
      { ...env('x0', 'UserMessageRecorded', { seq: 0, text: 'other' }), streamId: 's2' },
    ];
    const deltas = sessionDeltas(events.map((event, i) => ({ event, seq: 100 + i })));
    expect(deltas).toEqual([
      { tenantId: 't', sessionId: 's1', agentId: 'agent', userId: 'u', source: 'native', startedAt: '2025-01-01T00:00:00.000Z', endedAt: '2025-01-01T00:00:05.000Z', outcome: 'failure', events: 7, messages: 2, toolCalls: 1, toolErrors: 1, redactions: { email: 3, jwt: 1 }, lastSeq: 106 },
      { tenantId: 't', sessionId: 's2', events: 1, messages: 1, toolCalls: 0, toolErrors: 0, redactions: {}, lastSeq: 107 },
    ]);
  });
});

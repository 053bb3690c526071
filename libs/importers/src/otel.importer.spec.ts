import { sessionEventSchema } from '@reverie/contracts';
import { detectFormat, importContent, ImportError, parseOtlpTraces } from './index';

const s = (v: string) => ({ stringValue: v });
const attrs = (o: Record<string, unknown>) => Object.entries(o).map(([key, v]) => ({
  key, value: typeof v === 'number' ? { intValue: String(v) } : s(typeof v === 'string' ? v : JSON.stringify(v)),
}));
const span = (traceId: string, spanId: string, name: string, startSec: number, a: Record<string, unknown>, status?: unknown) => ({
  traceId, spanId, name, kind: 3,
  startTimeUnixNano: String(BigInt(1_767_225_600 + startSec) * 1_000_000_000n),
  endTimeUnixNano: String(BigInt(1_767_225_600 + startSec + 1) * 1_000_000_000n),
  attributes: attrs(a), status,
});

const body = {
  resourceSpans: [{
    resource: { attributes: attrs({ 'service.name': 'agent' }) },
    scopeSpans: [{
      scope: { name: 'genai' },
      spans: [
        // deliberately out of order: the importer sorts by start time
        span('T1', 's3', 'execute_tool read_file', 2, {
          'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'read_file', 'gen_ai.tool.call.id': 'c1', 'error.type': 'FileNotFoundError',
        }, { code: 2, message: 'no such file: a.txt' }),
        span('T1', 's1', 'chat gpt-4o', 1, {
          'gen_ai.operation.name': 'chat', 'gen_ai.conversation.id': 'conv-9', 'gen_ai.request.model': 'gpt-4o',
          'gen_ai.input.messages': [{ role: 'user', parts: [{ type: 'text', content: 'read a.txt' }] }],
          'gen_ai.output.messages': [{ role: 'assistant', parts: [{ type: 'tool_call', id: 'c1', name: 'read_file', arguments: { path: 'a.txt' } }] }],
        }),
        span('T2', 's9', 'execute_tool ls', 5, { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'ls', 'gen_ai.tool.call.result': 'a.txt b.txt' }),
        span('T1', 's0', 'http GET', 0, { 'http.method': 'GET' }),
      ],
    }],
  }],
};

describe('OpenTelemetry GenAI importer', () => {
  it('groups spans by conversation id, else trace id, and records tool errors from the span status', () => {
    const r = parseOtlpTraces(body, { tenantId: 'acme' });
    expect(r.format).toBe('otel');
    expect(r.sessions.map((x) => [x.sessionId, x.stats])).toEqual([
      ['conv-9', { messages: 1, toolCalls: 1, toolErrors: 1, outcome: 'unknown' }],
      ['trace-T2', { messages: 0, toolCalls: 1, toolErrors: 0, outcome: 'unknown' }],
    ]);
    const conv = r.sessions[0].events;
    expect(conv.map((e) => e.type)).toEqual(['SessionStarted', 'UserMessageRecorded', 'ToolCallRecorded', 'ToolResultRecorded', 'SessionEnded']);
    expect(conv[3].data).toMatchObject({ toolCallId: 'c1', isError: true, output: 'no such file: a.txt' });
    expect(conv[1].occurredAt).toBe('2026-01-01T00:00:01.000Z');
    expect(r.sessions[1].events[2].data).toMatchObject({ output: 'a.txt b.txt', isError: false });
    for (const x of r.sessions) for (const e of x.events) expect(sessionEventSchema.safeParse(e).success).toBe(true);
  });

  it('imports the same export from a file, also as JSON Lines, and rejects bad lines by number', () => {
    const json = JSON.stringify(body);
    expect(detectFormat('traces.json', json)).toBe('otel');
    expect(importContent('traces.json', json, { tenantId: 'acme' }).sessions).toEqual(parseOtlpTraces(body, { tenantId: 'acme' }).sessions);
    const lines = [json, '{"resourceSpans": [', JSON.stringify({ other: 1 })].join('\n');
    expect(detectFormat('traces.jsonl', lines)).toBe('otel');
    const r = importContent('traces.jsonl', lines, { tenantId: 'acme' });
    expect(r.sessions).toHaveLength(2);
    expect(r.rejected.map((x) => x.line)).toEqual([2, 3]);
  });

  it('refuses a body that is not a trace export', () => {
    expect(() => parseOtlpTraces({ hello: 'world' }, { tenantId: 'acme' })).toThrow(ImportError);
    expect(() => parseOtlpTraces('{oops', { tenantId: 'acme' })).toThrow(/otlp: not valid JSON/);
  });
});

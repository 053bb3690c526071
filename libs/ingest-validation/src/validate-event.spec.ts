import { sessionEventSchema } from '@reverie/contracts';
import { validateEvent } from './validate-event';

const ctx = { tenantId: 'acme', now: '2025-01-15T10:00:00.000Z' };
const base = {
  id: 'ev-1',
  streamId: 'sess-1',
  occurredAt: '2025-01-15T09:59:00.000Z',
  actor: { kind: 'agent', id: 'agent-1' },
  correlationId: 'sess-1',
};
const toolResult = (data: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  ...base, type: 'ToolResultRecorded', data: { seq: 4, toolCallId: 'toolu_1', output: 'ok', isError: false, ...data }, ...extra,
});

function rejection(raw: unknown) {
  const r = validateEvent(raw, 7, ctx);
  if (r.ok) throw new Error('expected a rejection');
  return r.rejection;
}

describe('validateEvent', () => {
  it('accepts a valid event, fills the tenant, the server time and schemaVersion 1', () => {
    const r = validateEvent(toolResult({}, { recordedAt: '1999-01-01T00:00:00Z' }), 0, ctx);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.event).toMatchObject({ tenantId: 'acme', recordedAt: ctx.now, schemaVersion: 1, type: 'ToolResultRecorded' });
    expect(sessionEventSchema.safeParse(r.event).success).toBe(true);
  });

  it('keeps a tenantId equal to the key\'s tenant and an explicit schemaVersion', () => {
    const r = validateEvent(toolResult({}, { tenantId: 'acme', schemaVersion: 2 }), 0, ctx);
    expect(r.ok && r.event.schemaVersion).toBe(2);
  });

  it('rejects a tenantId that differs from the API key\'s tenant', () => {
    expect(rejection(toolResult({}, { tenantId: 'globex' }))).toEqual({
      index: 7, eventId: 'ev-1', field: 'tenantId', reason: "tenantId 'globex' does not match the API key's tenant 'acme'",
    });
  });

  it('records who ingested the event from the credential, and refuses an event that names it itself', () => {
    const r = validateEvent(toolResult({}), 0, { ...ctx, ingestedBy: ['key:ci', 'alice'] });
    expect(r.ok && r.event.ingestedBy).toEqual(['key:ci', 'alice']);
    expect(rejection(toolResult({}, { ingestedBy: ['someone-else'] }))).toMatchObject({ field: 'ingestedBy', reason: expect.stringMatching(/set by the server from the credential/) });
  });

  it('names the field path and the types for a wrong field type', () => {
    expect(rejection(toolResult({ isError: 'yes' }))).toMatchObject({ field: 'data.isError', reason: 'data.isError: expected boolean, received string' });
  });

  it('lists the known types for an unknown type', () => {
    expect(rejection({ ...base, type: 'ToolCalled', data: {} }).reason).toBe(
      'type: unknown event type "ToolCalled"; expected one of SessionStarted, UserMessageRecorded, AssistantMessageRecorded, ToolCallRecorded, ToolResultRecorded, FeedbackRecorded, CompactionRecorded, SessionEnded',
    );
    expect(rejection({ ...base, data: {} }).reason).toMatch(/^type: required; expected one of SessionStarted/);
  });

  it('says the size and the limit for an event that is too large', () => {
    const r = validateEvent(toolResult({ output: 'x'.repeat(300_000) }), 0, ctx);
    expect(!r.ok && r.rejection.reason).toMatch(/^event is 300\d{3} bytes as JSON; the limit is 262144 bytes$/);
  });

  it('counts bytes, not characters', () => {
    const limits = { maxBatchEvents: 10, maxEventBytes: 1000, maxDepth: 32, maxBodyBytes: 10_000 };
    const r = validateEvent(toolResult({ output: 'é'.repeat(400) }), 0, { ...ctx, limits });
    expect(!r.ok && r.rejection.reason).toMatch(/^event is \d+ bytes as JSON; the limit is 1000 bytes$/);
  });

  it('says the depth, the limit and where for an event nested too deep', () => {
    let input: unknown = 'leaf';
    for (let i = 0; i < 40; i++) input = { a: input };
    const r = rejection({ ...base, type: 'ToolCallRecorded', data: { seq: 1, toolCallId: 't', toolName: 'Bash', input } });
    expect(r.reason).toMatch(/^data\.input(\.a){30}: nesting depth exceeds the limit of 32 levels \(reached 33\)$/);
  });

  it('rejects lone surrogates and NUL characters in values and keys', () => {
    expect(rejection(toolResult({ output: 'bad \uD800 text' }))).toMatchObject({ field: 'data.output', reason: 'data.output: contains a lone UTF-16 surrogate (not valid Unicode text)' });
    expect(rejection(toolResult({ output: 'a\u0000b' })).reason).toBe('data.output: contains a NUL character (U+0000), which cannot be stored');
    expect(rejection({ ...base, type: 'ToolCallRecorded', data: { seq: 1, toolCallId: 't', toolName: 'x', input: { '\uDC00': 1 } } }).reason).toMatch(/^data\.input: a key contains a lone UTF-16 surrogate/);
    expect(validateEvent(toolResult({ output: 'emoji 😀 ok' }), 0, ctx).ok).toBe(true);
  });

  it('rejects __proto__ keys, NaN, Infinity and non-JSON values', () => {
    const polluted = JSON.parse('{"seq":1,"toolCallId":"t","toolName":"x","input":{"__proto__":{"admin":true}}}');
    expect(rejection({ ...base, type: 'ToolCallRecorded', data: polluted }).reason).toBe("data.input.__proto__: the key '__proto__' is not allowed");
    expect(rejection(toolResult({ seq: NaN })).reason).toBe('data.seq: NaN is not a JSON number');
    expect(rejection({ ...base, type: 'ToolCallRecorded', data: { seq: 1, toolCallId: 't', toolName: 'x', input: { v: -Infinity } } }).reason).toBe('data.input.v: -Infinity is not a JSON number');
    expect(rejection({ ...base, type: 'ToolCallRecorded', data: { seq: 1, toolCallId: 't', toolName: 'x', input: { when: new Date(0) } } }).reason).toBe('data.input.when: Date is not a plain JSON object');
    expect(rejection({ ...base, type: 'ToolCallRecorded', data: { seq: 1, toolCallId: 't', toolName: 'x', input: [1, undefined] } }).reason).toBe('data.input[1]: undefined is not a JSON value');
    expect(validateEvent(toolResult({ toolName: undefined }, { causationId: undefined }), 0, ctx).ok).toBe(true);
  });

  it('rejects non-objects and arrays where objects are expected', () => {
    expect(rejection('hello').reason).toBe('event must be a JSON object, received string');
    expect(rejection([1, 2]).reason).toBe('event must be a JSON object, received array');
    expect(rejection(toolResult({}, { data: [] }))).toMatchObject({ field: 'data', reason: 'data: expected object, received array' });
    expect(rejection(toolResult({}, { actor: 'agent' })).reason).toBe('actor: expected object, received string');
  });

  it('reports several issues at once, up to three', () => {
    const r = rejection({ ...base, type: 'SessionEnded', id: '', data: { seq: -1, outcome: 'won' } });
    expect(r.reason.split('; ')).toHaveLength(3);
    expect(r.reason).toContain('data.seq: Too small: expected number to be >=0');
    expect(r.eventId).toBeUndefined();
  });

  it('does not write the tenant or server fields of the body into the event', () => {
    const r = validateEvent(toolResult({}, { recordedAt: 'not a date', schemaVersion: undefined }), 0, ctx);
    expect(r.ok && [r.event.recordedAt, r.event.tenantId]).toEqual([ctx.now, 'acme']);
  });
});

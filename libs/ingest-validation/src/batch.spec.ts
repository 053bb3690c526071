import { assertBodySize, BatchError, problemJson } from './problem-json';
import { validateBatch } from './validate-batch';

const ctx = { tenantId: 'acme', now: '2025-01-15T10:00:00.000Z' };
const event = (seq: number, extra: Record<string, unknown> = {}) => ({
  id: `ev-${seq}`, type: 'UserMessageRecorded', streamId: 's1', occurredAt: '2025-01-15T09:00:00Z',
  actor: { kind: 'user', id: 'u1' }, correlationId: 's1', data: { seq, text: 'hi' }, ...extra,
});

function batchError(body: unknown, limits?: Parameters<typeof validateBatch>[1]['limits']): BatchError {
  try {
    validateBatch(body, { ...ctx, limits });
  } catch (e) {
    if (e instanceof BatchError) return e;
    throw e;
  }
  throw new Error('expected a BatchError');
}

describe('validateBatch', () => {
  it('keeps the valid events and lists the invalid ones by index', () => {
    const r = validateBatch({ events: [event(0), event(1, { tenantId: 'globex' }), 'x', event(3)] }, ctx);
    expect(r.valid.map((v) => v.index)).toEqual([0, 3]);
    expect(r.rejected).toEqual([
      { index: 1, eventId: 'ev-1', field: 'tenantId', reason: "tenantId 'globex' does not match the API key's tenant 'acme'" },
      { index: 2, reason: 'event must be a JSON object, received string' },
    ]);
  });

  it('accepts an empty batch', () => {
    expect(validateBatch({ events: [] }, ctx)).toEqual({ valid: [], rejected: [] });
  });

  it.each([
    [null, 'the body must be a JSON object { "events": [...] }, received null'],
    [[event(0)], 'the body must be a JSON object { "events": [...] }, received an array'],
    ['{"events":[]}', 'the body must be a JSON object { "events": [...] }, received string'],
    [{}, 'the body must have an "events" array, received no "events" field'],
    [{ events: { 0: event(0) } }, 'the body must have an "events" array, received "events" of type object'],
  ])('400 for a malformed body: %j', (body, detail) => {
    const e = batchError(body);
    expect([e.status, e.detail]).toEqual([400, detail]);
  });

  it('413 for too many events', () => {
    const e = batchError({ events: Array.from({ length: 1001 }, (_, i) => event(i)) });
    expect(e.toProblem()).toEqual({ type: 'about:blank', title: 'Batch too large', status: 413, detail: 'the batch has 1001 events; the limit is 1000 per batch' });
  });

  it('413 for a body over the byte limit', () => {
    expect(() => assertBodySize(9 * 1024 * 1024)).toThrow('Request body too large: the body is 9437184 bytes; the limit is 8388608 bytes');
    expect(() => assertBodySize(1024)).not.toThrow();
  });
});

describe('problemJson', () => {
  it('builds an RFC 9457 body; extra members cannot override the core ones', () => {
    expect(problemJson(400, 'Invalid batch', 'bad', { type: 'https://reverie.dev/problems/invalid-batch', status: 200, rejected: [] })).toEqual({
      type: 'https://reverie.dev/problems/invalid-batch', title: 'Invalid batch', status: 400, detail: 'bad', rejected: [],
    });
  });
});

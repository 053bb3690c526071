import { sessionEventSchema, lessonEventSchema, topology, deterministicId, SESSION_EVENT_TYPES } from './index';

const base = {
  id: 'e1', schemaVersion: 1, tenantId: 'acme', streamId: 's-1',
  occurredAt: '2026-01-01T00:00:00.000Z', recordedAt: '2026-01-01T00:00:01.000Z',
  actor: { kind: 'agent', id: 'a1' }, correlationId: 'c1',
};

describe('event catalogue', () => {
  it('parses a valid tool result and names the wrong field of an invalid one', () => {
    const ok = sessionEventSchema.safeParse({ ...base, type: 'ToolResultRecorded', data: { seq: 3, toolCallId: 't1', output: 'boom', isError: true } });
    expect(ok.success).toBe(true);
    const bad = sessionEventSchema.safeParse({ ...base, type: 'ToolResultRecorded', data: { seq: 3, toolCallId: 't1', output: 'boom', isError: 'yes' } });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0].path).toEqual(['data', 'isError']);
  });

  it('rejects an unknown event type and a tenant that is not a subject token', () => {
    expect(sessionEventSchema.safeParse({ ...base, type: 'Nope', data: {} }).success).toBe(false);
    const r = sessionEventSchema.safeParse({ ...base, tenantId: 'a.b', type: 'SessionEnded', data: { seq: 0, outcome: 'success' } });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0].path).toEqual(['tenantId']);
  });

  it('lists every session event type', () => {
    expect(SESSION_EVENT_TYPES).toContain('ToolCallRecorded');
    expect(SESSION_EVENT_TYPES).toHaveLength(8);
  });

  it('keeps the lesson union discriminated', () => {
    const r = lessonEventSchema.safeParse({ ...base, type: 'LessonApproved', data: { reviewer: 'r', version: 1 } });
    expect(r.success).toBe(true);
  });
});

describe('topology', () => {
  it('names streams and subjects, with and without a namespace', () => {
    expect(topology().streamName('sessions')).toBe('SESSIONS');
    expect(topology().subject('sessions', 'acme', 's1')).toBe('sessions.acme.s1');
    const t = topology('t1');
    expect(t.streamName('lessons')).toBe('t1_LESSONS');
    expect(t.wildcard('lessons')).toBe('t1.lessons.>');
    expect(t.parseSubject('t1.sessions.acme.s1')).toEqual({ key: 'sessions', tenantId: 'acme', streamId: 's1' });
    expect(t.parseSubject('sessions.acme.s1')).toBeUndefined();
    expect(() => topology('Bad.Name')).toThrow(/REVERIE_NAMESPACE/);
  });
});

describe('deterministicId', () => {
  it('is stable and UUID-shaped', () => {
    expect(deterministicId('a', 'b')).toBe(deterministicId('a', 'b'));
    expect(deterministicId('a', 'b')).not.toBe(deterministicId('ab'));
    expect(deterministicId('x')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

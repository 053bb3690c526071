import { lessonsServedEvent } from './served-lessons';

describe('served lessons', () => {
  it('records lesson ids, versions and stages, the withheld canaries, the session, the agent on its SERVING subject, and who asked', () => {
    const lessons = [{ id: 'l1', kind: 'mistake' as const, text: 'Do X.', version: 2, scope: { tenantId: 'acme', agentId: 'coder' }, stage: 'active' as const }];
    const event = lessonsServedEvent({ tenantId: 'acme', agentId: 'coder', sessionId: 's-9', lessons, withheld: [{ lessonId: 'c1', version: 1 }], actor: { kind: 'service', id: 'key:coder-bot' }, now: new Date('2025-03-01T12:00:00.000Z'), id: 'ev-1' });
    expect(event).toEqual({
      id: 'ev-1', type: 'LessonsServed', schemaVersion: 1, tenantId: 'acme', streamId: 'coder',
      occurredAt: '2025-03-01T12:00:00.000Z', recordedAt: '2025-03-01T12:00:00.000Z',
      actor: { kind: 'service', id: 'key:coder-bot' }, correlationId: 'ev-1',
      data: { agentId: 'coder', sessionId: 's-9', lessons: [{ lessonId: 'l1', version: 2, stage: 'active' }], withheld: [{ lessonId: 'c1', version: 1 }] },
    });
  });

  it('records an empty serving too (a session that got no lessons is a control for efficacy)', () => {
    const event = lessonsServedEvent({ tenantId: 'acme', agentId: 'coder', lessons: [], actor: { kind: 'service', id: 'key:coder-bot' }, now: new Date(), correlationId: 'c-1' });
    expect(event.data).toEqual({ agentId: 'coder', lessons: [] });
    expect(event.correlationId).toBe('c-1');
  });
});

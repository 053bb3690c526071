import type { LiveLesson } from '@reverie/contracts';
import { rolloutArm } from '@reverie/lesson-domain';
import { drawServedLessons, lessonsServedEvent, type ActiveLessonRecord } from './served-lessons';

const live = (extra: Partial<LiveLesson> = {}): LiveLesson => ({ version: 2, textVersion: 1, text: 'Do X.', textHash: 'h'.repeat(64), stage: 'active', since: '2025-03-01T00:00:00.000Z', ...extra });
const row = (id: string, l: LiveLesson = live()): ActiveLessonRecord => ({ lesson_id: id, kind: 'mistake', scope: { tenantId: 'acme', agentId: 'coder' }, live: l });
const NOW = '2025-03-02T00:00:00.000Z';

describe('served lessons', () => {
  it('serves the live version of an active row', () => {
    expect(drawServedLessons([row('l1')], { subject: 's-1', now: NOW })).toEqual({
      lessons: [{ id: 'l1', kind: 'mistake', text: 'Do X.', version: 2, scope: { tenantId: 'acme', agentId: 'coder' }, stage: 'active' }],
      withheld: [],
    });
  });

  it('draws a canary per session: served to its arm, withheld (the control) from the others; an expired row is neither', () => {
    const canary = row('c1', live({ stage: 'canary', share: 0.5, promoteAt: '2025-03-05T00:00:00.000Z' }));
    const expired = row('x1', live({ reviewBy: '2025-03-01T12:00:00.000Z' }));
    const sessions = Array.from({ length: 50 }, (_, i) => `s-${i}`);
    for (const s of sessions) {
      const draw = drawServedLessons([canary, expired], { subject: s, now: NOW });
      const inCanary = rolloutArm('c1', s, 0.5) === 'canary';
      expect(draw.lessons.map((l) => l.id)).toEqual(inCanary ? ['c1'] : []);
      expect(draw.withheld).toEqual(inCanary ? [] : [{ lessonId: 'c1', version: 2 }]);
    }
  });

  it('records lesson ids, versions and stages, the withheld canaries, the session, the agent on its SERVING subject, and who asked', () => {
    const { lessons } = drawServedLessons([row('l1')], { subject: 's-9', now: NOW });
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

import { lessonEventSchema } from '@reverie/contracts';
import { toEnvelopes } from './lesson.envelopes';
import { LessonDomainError } from './lesson-domain.error';
import { alice, approved, meta, proposed } from '../testing/lesson.fixtures';

describe('toEnvelopes', () => {
  it('wraps decided events with the command clock, actor, correlation and injected ids', () => {
    const metadata = { ...meta(alice, '2025-03-02T09:30:00.000Z'), causationId: 'cmd-7' };
    const envelopes = toEnvelopes('acme', 'lesson-9', [proposed(), approved()], metadata, (e, i) => `${e.type}-${i}`);
    expect(envelopes).toEqual([
      expect.objectContaining({ id: 'LessonProposed-0', type: 'LessonProposed', tenantId: 'acme', streamId: 'lesson-9', schemaVersion: 1 }),
      expect.objectContaining({
        id: 'LessonApproved-1',
        type: 'LessonApproved',
        occurredAt: '2025-03-02T09:30:00.000Z',
        recordedAt: '2025-03-02T09:30:00.000Z',
        actor: alice,
        correlationId: 'corr-1',
        causationId: 'cmd-7',
        data: { reviewer: 'alice', version: 1 },
      }),
    ]);
    for (const e of envelopes) expect(lessonEventSchema.safeParse(e).success).toBe(true);
  });

  it('refuses to build an envelope the contract rejects, naming the field', () => {
    expect(() => toEnvelopes('acme corp', 'lesson-9', [approved()], meta(alice), () => 'id-1')).toThrow(LessonDomainError);
    expect(() => toEnvelopes('acme corp', 'lesson-9', [approved()], meta(alice), () => 'id-1')).toThrow(/tenantId/);
  });
});

import type { LessonEvent } from '@reverie/contracts';
import type { StoredEvent } from '@reverie/event-store';
import { toEnvelopes, type LessonEventRecord } from '@reverie/lesson-domain';
import { planGovernanceBatch, publicLessonView } from './governance-lessons.plan';

const claim = {
  kind: 'mistake' as const,
  scope: { tenantId: 'acme', agentId: 'coder' },
  text: 'Run the build before publishing.',
  fingerprint: 'fp-1',
  support: { sessions: 3, distinctUsers: 2, occurrences: 4, firstSeen: '2025-02-01T00:00:00.000Z', lastSeen: '2025-02-02T00:00:00.000Z' },
  effectSize: null,
  confidence: 0.7,
  evidence: { refs: [], counts: {} },
};
let seq = 0;
const stored = (record: LessonEventRecord, actorId: string, now: string): StoredEvent<LessonEvent> => {
  const [event] = toEnvelopes('acme', 'l1', [record], { now, actor: { kind: actorId === 'dreaming' ? 'service' : 'reviewer', id: actorId }, correlationId: 'c' }, () => `e${++seq}`);
  return { event, seq, subject: 'lessons.acme.l1' };
};

describe('planGovernanceBatch', () => {
  const proposed = stored({ type: 'LessonProposed', data: { ...claim, dreamId: 'd1' } }, 'dreaming', '2025-03-01T10:00:00.000Z');
  const approved = stored({ type: 'LessonApproved', data: { reviewer: 'alice', version: 1 } }, 'alice', '2025-03-01T11:00:00.000Z');

  it('folds a batch into one row per lesson and one audit row per event', () => {
    const { lessons, audit } = planGovernanceBatch(new Map(), [proposed, approved]);
    expect(lessons).toHaveLength(1);
    expect(lessons[0]).toMatchObject({ tenantId: 'acme', lessonId: 'l1', lastEventId: approved.event.id, updatedAt: '2025-03-01T11:00:00.000Z' });
    expect(publicLessonView(lessons[0].view)).toMatchObject({ status: 'active', version: 1, decidedBy: 'alice' });
    expect(audit.map((a) => [a.type, a.actor.id, a.streamSeq])).toEqual([['LessonProposed', 'dreaming', proposed.seq], ['LessonApproved', 'alice', approved.seq]]);
  });

  it('changes no view for events it already holds, but still lists them for the audit (inserted or ignored by id)', () => {
    const first = planGovernanceBatch(new Map(), [proposed, approved]);
    const existing = new Map([['acme\u0000l1', first.lessons[0].view]]);
    const again = planGovernanceBatch(existing, [proposed, approved]);
    expect(again.lessons).toEqual([]);
    expect(again.audit).toHaveLength(2);
  });

  it('strips the bookkeeping from the public view', () => {
    const { lessons } = planGovernanceBatch(new Map(), [proposed]);
    expect(publicLessonView(lessons[0].view)).not.toHaveProperty('appliedEventIds');
  });
});

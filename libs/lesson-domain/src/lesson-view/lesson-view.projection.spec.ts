import type { LessonEvent, LessonView } from '@reverie/contracts';
import { evolveLessonView, servedLesson, type ProjectedLessonView } from './lesson-view.projection';
import { LessonDomainError } from '../lesson/lesson-domain.error';
import { approved, bob, evidenceAdded, proposed, rejected, reopened, retired, stored } from '../testing/lesson.fixtures';

const fold = (events: LessonEvent[], view?: LessonView) =>
  events.reduce<ProjectedLessonView | undefined>((v, e) => evolveLessonView(v, e), view as ProjectedLessonView | undefined)!;
/** Each event delivered twice in a row, and the whole batch redelivered once more. */
const twice = (events: LessonEvent[]) => [...events.flatMap((e) => [e, e]), ...events];

describe('lesson view projection', () => {
  const p = stored(proposed('dream-1'));
  const ev = stored(evidenceAdded('dream-2', 3));
  const ok = stored(approved(1, 'bob'), bob);
  const no = stored(rejected(4));
  const re = stored(reopened());
  const gone = stored(retired());

  it('creates the view from the proposal', () => {
    const v = fold([p]);
    expect(v).toMatchObject({
      id: 'lesson-1', tenantId: 'acme', status: 'proposed', version: 0, dreamId: 'dream-1',
      proposedAt: p.occurredAt, kind: 'mistake', fingerprint: 'tool-error:bash:npm-publish-missing-dist',
    });
    expect(v).not.toHaveProperty('decidedAt');
  });

  it('merges evidence: support adds up, refs deduplicated, counts summed, confidence kept at its highest', () => {
    const v = fold([p, ev]);
    expect(v.support).toEqual({ sessions: 7, distinctUsers: 2, occurrences: 9, firstSeen: '2025-02-01T00:00:00.000Z', lastSeen: '2025-02-28T00:00:00.000Z' });
    expect(v.evidence.refs.map((r) => r.eventId)).toEqual(['e1', 'e2', 'e-dream-2']);
    expect(v.evidence.counts).toEqual({ errors: 9, sessions: 7 });
    expect(v.confidence).toBe(0.9);
  });

  it('records decisions', () => {
    expect(fold([p, ok])).toMatchObject({ status: 'approved', version: 1, decidedBy: 'bob', decidedAt: ok.occurredAt });
    expect(fold([p, no])).toMatchObject({ status: 'rejected', decidedBy: 'alice', decisionNote: 'too vague' });
    expect(fold([p, ok, gone])).toMatchObject({ status: 'retired', version: 1, decisionNote: 'tooling changed' });
    const reopenedView = fold([p, no, re]);
    expect(reopenedView.status).toBe('proposed');
    expect(reopenedView).not.toHaveProperty('decidedBy');
    expect(reopenedView).not.toHaveProperty('decisionNote');
  });

  it('shows the approvals of a two-person policy until the lesson is approved, then its approvers', () => {
    const first = stored({ type: 'LessonApprovalRecorded', data: { reviewer: 'alice', note: 'fine by me', approvals: 1, required: 2 } });
    const second = stored({ type: 'LessonApproved', data: { reviewer: 'bob', version: 1, approvers: ['alice', 'bob'] } }, bob);
    const pending = fold([p, first]);
    expect(pending).toMatchObject({ status: 'proposed', approvals: [{ reviewer: 'alice', at: first.occurredAt, note: 'fine by me' }] });
    const done = fold([p, first, second]);
    expect(done).toMatchObject({ status: 'approved', version: 1, decidedBy: 'bob', approvers: ['alice', 'bob'] });
    expect(done).not.toHaveProperty('approvals');
    expect(fold([p, first, no])).not.toHaveProperty('approvals');
    expect(fold(twice([p, first, second]))).toEqual(done);
  });

  it.each([
    ['proposal and evidence', [p, ev]],
    ['approval', [p, ev, ok]],
    ['rejection and reopening', [p, no, ev, re]],
    ['retirement', [p, ok, ev, gone]],
  ])('is idempotent: %s delivered twice gives the same view', (_name, events) => {
    expect(fold(twice(events))).toEqual(fold(events));
  });

  it('stays idempotent across a stored view that went through JSON', () => {
    const stored1 = JSON.parse(JSON.stringify(fold([p, ev]))) as LessonView;
    expect(fold([ev, ok], stored1)).toEqual(fold([p, ev, ok]));
  });

  it('ignores a twin proposal for an existing view', () => {
    const twin = stored(proposed('dream-9'));
    const { appliedEventIds: _a, ...before } = fold([p]);
    const { appliedEventIds: _b, ...after } = fold([p, twin]);
    expect(after).toEqual(before);
  });

  it('refuses an event for a lesson whose proposal it never saw', () => {
    expect(() => evolveLessonView(undefined, ok)).toThrow(LessonDomainError);
    expect(() => evolveLessonView(undefined, ok)).toThrow(/before its LessonProposed/);
  });

  it('serves approved lessons only', () => {
    expect(servedLesson(fold([p, ok]))).toEqual({
      id: 'lesson-1', kind: 'mistake', version: 1,
      text: 'Run `npm run build` before `npm publish`: publishing without dist/ fails.',
      scope: { tenantId: 'acme', agentId: 'coder', tools: ['bash'] },
    });
    expect(servedLesson(fold([p]))).toBeUndefined();
    expect(servedLesson(fold([p, no]))).toBeUndefined();
    expect(servedLesson(fold([p, ok, gone]))).toBeUndefined();
  });
});

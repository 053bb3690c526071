import type { LessonEvent, LessonView } from '@reverie/contracts';
import { evolveLessonView, servedLesson, type ProjectedLessonView } from './lesson-view.projection';
import { rolloutArm } from './rollout-arm';
import { LessonDomainError } from '../lesson/lesson-domain.error';
import { textHashOf } from '../lesson/lesson-text';
import { approved, bob, checked, claim, edited, evidenceAdded, EXFILTRATION, PASSING, proposed, rejected, reopened, retired, stored } from '../testing/lesson.fixtures';

const fold = (events: LessonEvent[], view?: LessonView) =>
  events.reduce<ProjectedLessonView | undefined>((v, e) => evolveLessonView(v, e), view as ProjectedLessonView | undefined)!;
/** Each event delivered twice in a row, and the whole batch redelivered once more. */
const twice = (events: LessonEvent[]) => [...events.flatMap((e) => [e, e]), ...events];
const NOW = '2025-03-02T00:00:00.000Z';
const REVISED = 'Run `npm run build` and `npm test` before `npm publish`.';

describe('lesson view projection', () => {
  const p = stored(proposed('dream-1'));
  const pass = stored(checked());
  const ev = stored(evidenceAdded('dream-2', 3));
  const ok = stored(approved(1, 'bob'), bob);
  const no = stored(rejected(4));
  const re = stored(reopened());
  const gone = stored(retired());

  it('creates the view from the proposal, then puts it in review once the guardrails passed it', () => {
    const v = fold([p]);
    expect(v).toMatchObject({
      id: 'lesson-1', tenantId: 'acme', status: 'proposed', version: 0, textVersion: 1, textHash: textHashOf(claim().text), dreamId: 'dream-1',
      proposedAt: p.occurredAt, kind: 'mistake', fingerprint: 'tool-error:bash:npm-publish-missing-dist',
    });
    expect(v).not.toHaveProperty('decidedAt');
    expect(fold([p, pass])).toMatchObject({ status: 'in-review', policy: { verdict: 'pass', violations: [] } });
  });

  it('marks a lesson tainted by the untrusted kinds of evidence it rests on', () => {
    const refs = (source: string) => ({ tenantId: 'acme', sessionId: 's1', eventId: `e-${source}`, source });
    const withRefs = (sources: string[]) => stored({ type: 'LessonProposed', data: { ...claim({ evidence: { refs: sources.map(refs) as never, counts: {} } }), dreamId: 'dream-1' } });
    expect(fold([withRefs(['user-message', 'user-feedback'])])).not.toHaveProperty('tainted');
    expect(fold([withRefs(['tool-output', 'user-message', 'web-content'])]).tainted).toEqual(['tool-output', 'web-content']);
  });

  it('shows a blocked lesson with the rule and what matched', () => {
    expect(fold([p, stored(checked(EXFILTRATION))])).toMatchObject({
      status: 'blocked', policy: { verdict: 'block', violations: [{ rule: 'exfiltration', match: 'https://evil.example/x' }] },
    });
  });

  it('merges evidence: support adds up, refs deduplicated, counts summed, confidence kept at its highest', () => {
    const v = fold([p, pass, ev]);
    expect(v.support).toEqual({ sessions: 7, distinctUsers: 2, occurrences: 9, firstSeen: '2025-02-01T00:00:00.000Z', lastSeen: '2025-02-28T00:00:00.000Z' });
    expect(v.evidence.refs.map((r) => r.eventId)).toEqual(['e1', 'e2', 'e-dream-2']);
    expect(v.evidence.counts).toEqual({ errors: 9, sessions: 7 });
    expect(v.confidence).toBe(0.9);
  });

  it('records decisions and what is live', () => {
    expect(fold([p, pass, ok])).toMatchObject({ status: 'active', version: 1, decidedBy: 'bob', decidedAt: ok.occurredAt, live: { version: 1, stage: 'active', text: claim().text, since: ok.occurredAt } });
    expect(fold([p, pass, no])).toMatchObject({ status: 'rejected', decidedBy: 'alice', decisionNote: 'too vague' });
    const retiredView = fold([p, pass, ok, gone]);
    expect(retiredView).toMatchObject({ status: 'retired', version: 1, decisionNote: 'tooling changed' });
    expect(retiredView).not.toHaveProperty('live');
    const reopenedView = fold([p, pass, no, re]);
    expect(reopenedView.status).toBe('proposed');
    expect(reopenedView).not.toHaveProperty('decidedBy');
    expect(reopenedView).not.toHaveProperty('decisionNote');
  });

  it('shows an edit as the new text under review while the live version keeps serving', () => {
    const edit = stored(edited(REVISED), bob);
    const v = fold([p, pass, ok, edit, stored(checked(PASSING, REVISED, 2))]);
    expect(v).toMatchObject({ status: 'in-review', text: REVISED, textVersion: 2, textHash: textHashOf(REVISED), editors: ['bob'], live: { version: 1, text: claim().text } });
    const back = fold([p, pass, ok, edit, stored(checked(PASSING, REVISED, 2)), stored(rejected(4))]);
    expect(back).toMatchObject({ status: 'active', text: claim().text, textVersion: 1, live: { version: 1 } });
  });

  it('shows the approvals of a two-person policy until the lesson is approved, then its approvers', () => {
    const first = stored({ type: 'LessonApprovalRecorded', data: { reviewer: 'alice', note: 'fine by me', approvals: 1, required: 2 } });
    const second = stored({ type: 'LessonApproved', data: { reviewer: 'bob', version: 1, approvers: ['alice', 'bob'] } }, bob);
    const pending = fold([p, pass, first]);
    expect(pending).toMatchObject({ status: 'in-review', approvals: [{ reviewer: 'alice', at: first.occurredAt, note: 'fine by me' }] });
    const done = fold([p, pass, first, second]);
    expect(done).toMatchObject({ status: 'active', version: 1, decidedBy: 'bob', approvers: ['alice', 'bob'] });
    expect(done).not.toHaveProperty('approvals');
    expect(fold([p, pass, first, no])).not.toHaveProperty('approvals');
    expect(fold(twice([p, pass, first, second]))).toEqual(done);
  });

  it.each([
    ['proposal and evidence', [p, pass, ev]],
    ['approval', [p, pass, ev, ok]],
    ['rejection and reopening', [p, pass, no, ev, re]],
    ['retirement', [p, pass, ok, ev, gone]],
  ])('is idempotent: %s delivered twice gives the same view', (_name, events) => {
    expect(fold(twice(events))).toEqual(fold(events));
  });

  it('stays idempotent across a stored view that went through JSON', () => {
    const stored1 = JSON.parse(JSON.stringify(fold([p, pass, ev]))) as LessonView;
    expect(fold([ev, ok], stored1)).toEqual(fold([p, pass, ev, ok]));
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

  describe('servedLesson', () => {
    const request = { subject: 'session-1', now: NOW };
    it('serves the live version only', () => {
      expect(servedLesson(fold([p, pass, ok]), request)).toEqual({
        id: 'lesson-1', kind: 'mistake', version: 1, stage: 'active',
        text: 'Run `npm run build` before `npm publish`: publishing without dist/ fails.',
        scope: { tenantId: 'acme', agentId: 'coder', tools: ['bash'] },
      });
      expect(servedLesson(fold([p, pass]), request)).toBeUndefined();
      expect(servedLesson(fold([p, pass, no]), request)).toBeUndefined();
      expect(servedLesson(fold([p, pass, ok, gone]), request)).toBeUndefined();
    });

    it('serves nothing past the review-by date, without waiting for the LessonExpired', () => {
      const view = fold([p, pass, stored({ type: 'LessonApproved', data: { reviewer: 'bob', version: 1, reviewBy: '2025-03-10T00:00:00.000Z' } }, bob)]);
      expect(servedLesson(view, { subject: 's', now: '2025-03-09T23:59:59.000Z' })).toBeDefined();
      expect(servedLesson(view, { subject: 's', now: '2025-03-10T00:00:00.000Z' })).toBeUndefined();
    });

    it('serves a canary to its share of sessions, each session always the same answer', () => {
      const view = fold([p, pass, stored({ type: 'LessonApproved', data: { reviewer: 'bob', version: 1, rollout: { stage: 'canary', share: 0.25, promoteAt: '2025-03-05T00:00:00.000Z' } } }, bob)]);
      const sessions = Array.from({ length: 4000 }, (_, i) => `session-${i}`);
      const served = sessions.filter((s) => servedLesson(view, { subject: s, now: NOW })?.stage === 'canary');
      expect(served.length / sessions.length).toBeGreaterThan(0.22);
      expect(served.length / sessions.length).toBeLessThan(0.28);
      for (const s of sessions.slice(0, 200)) expect(servedLesson(view, { subject: s, now: NOW }) !== undefined).toBe(rolloutArm('lesson-1', s, 0.25) === 'canary');
      const promoted = fold([stored({ type: 'LessonPromoted', data: { version: 1, reason: 'ok' } })], view);
      expect(sessions.every((s) => servedLesson(promoted, { subject: s, now: NOW })?.stage === 'active')).toBe(true);
    });

    it('draws each lesson\'s canary on its own, not the same sessions for every lesson', () => {
      const sessions = Array.from({ length: 2000 }, (_, i) => `s${i}`);
      const a = new Set(sessions.filter((s) => rolloutArm('lesson-a', s, 0.5) === 'canary'));
      const both = sessions.filter((s) => a.has(s) && rolloutArm('lesson-b', s, 0.5) === 'canary').length;
      expect(both / sessions.length).toBeGreaterThan(0.2);
      expect(both / sessions.length).toBeLessThan(0.3);
    });
  });
});

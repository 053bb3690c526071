import type { LessonEvent } from '@reverie/contracts';
import type { StoredEvent } from '@reverie/event-store';
import { toEnvelopes, type LessonEventRecord } from '@reverie/lesson-domain';
import { lessonKey, planActiveLessons } from './active-lessons.plan';

const claim = (agentId?: string) => ({
  kind: 'mistake' as const,
  scope: { tenantId: 'acme', ...(agentId && { agentId }) },
  text: 'Run the build before publishing.',
  fingerprint: 'fp-1',
  support: { sessions: 3, distinctUsers: 2, occurrences: 4, firstSeen: '2025-02-01T00:00:00.000Z', lastSeen: '2025-02-02T00:00:00.000Z' },
  effectSize: null,
  confidence: 0.7,
  evidence: { refs: [], counts: {} },
});
let seq = 0;
const stored = (lessonId: string, record: LessonEventRecord, now = '2025-03-01T10:00:00.000Z'): StoredEvent<LessonEvent> => {
  const actor = record.type === 'LessonProposed' ? { kind: 'service' as const, id: 'dreaming' } : { kind: 'reviewer' as const, id: 'alice' };
  const [event] = toEnvelopes('acme', lessonId, [record], { now, actor, correlationId: 'c' }, () => `e${++seq}`);
  return { event, seq, subject: `lessons.acme.${lessonId}` };
};
const proposed = (lessonId: string, agentId?: string) => stored(lessonId, { type: 'LessonProposed', data: { ...claim(agentId), dreamId: 'd1' } });
const approved = (lessonId: string, version = 1) => stored(lessonId, { type: 'LessonApproved', data: { reviewer: 'alice', version } }, '2025-03-01T11:00:00.000Z');
const retired = (lessonId: string) => stored(lessonId, { type: 'LessonRetired', data: { by: 'alice', reason: 'obsolete' } });

describe('planActiveLessons', () => {
  it('a proposal alone is stored as a view but not served', () => {
    const plan = planActiveLessons(new Map(), [proposed('l1', 'coder')]);
    expect(plan.views).toHaveLength(1);
    expect(plan.upserts).toEqual([]);
    expect(plan.removals).toEqual([{ tenantId: 'acme', lessonId: 'l1', at: expect.any(String) }]);
  });

  it('an approval serves the proposed text at the approved version, to its agent or tenant-wide', () => {
    const plan = planActiveLessons(new Map(), [proposed('l1', 'coder'), approved('l1'), proposed('l2'), approved('l2')]);
    expect(plan.upserts).toEqual([
      { tenantId: 'acme', lessonId: 'l1', agentId: 'coder', kind: 'mistake', text: 'Run the build before publishing.', version: 1, scope: { tenantId: 'acme', agentId: 'coder' }, approvedAt: '2025-03-01T11:00:00.000Z',
        live: expect.objectContaining({ version: 1, stage: 'active', text: 'Run the build before publishing.', since: '2025-03-01T11:00:00.000Z' }), at: '2025-03-01T11:00:00.000Z' },
      expect.objectContaining({ lessonId: 'l2', agentId: null, version: 1 }),
    ]);
  });

  it('uses the stored view when the approval comes in a later batch, and ignores events already folded', () => {
    const p = proposed('l1', 'coder');
    const first = planActiveLessons(new Map(), [p]);
    const existing = new Map([[lessonKey('acme', 'l1'), first.views[0].view]]);
    const a = approved('l1');
    const second = planActiveLessons(existing, [p, a]);
    expect(second.upserts.map((u) => [u.lessonId, u.version])).toEqual([['l1', 1]]);
    const again = planActiveLessons(new Map([[lessonKey('acme', 'l1'), second.views[0].view]]), [p, a]);
    expect(again).toEqual({ views: [], upserts: [], removals: [], versionChanges: [] });
  });

  it('a rollback of a first version removes the lesson; a canary is stored with its share for the per-request draw', () => {
    const back = planActiveLessons(new Map(), [proposed('l1'), approved('l1'), stored('l1', { type: 'LessonRolledBack', data: { fromVersion: 1, reason: 'worse' } })]);
    expect(back.upserts).toEqual([]);
    expect(back.removals).toEqual([{ tenantId: 'acme', lessonId: 'l1', at: expect.any(String) }]);
    const canary = planActiveLessons(new Map(), [proposed('l2'), stored('l2', { type: 'LessonApproved', data: { reviewer: 'alice', version: 1, rollout: { stage: 'canary', share: 0.1, promoteAt: '2025-03-02T00:00:00.000Z' } } })]);
    expect(canary.upserts[0].live).toMatchObject({ stage: 'canary', share: 0.1, promoteAt: '2025-03-02T00:00:00.000Z' });
  });

  it('a retirement removes the lesson', () => {
    const plan = planActiveLessons(new Map(), [proposed('l1'), approved('l1'), retired('l1')]);
    expect(plan.upserts).toEqual([]);
    expect(plan.removals).toEqual([{ tenantId: 'acme', lessonId: 'l1', at: expect.any(String) }]);
  });

  it('records every change of the live version in order, even when one batch holds a lesson\'s whole history (a replay)', () => {
    const edited = stored('l1', { type: 'LessonEdited', data: { textVersion: 2, text: 'Run the build first.', textHash: 'b'.repeat(64), previousTextHash: 'a'.repeat(64), diff: '-' } });
    const plan = planActiveLessons(new Map(), [proposed('l1', 'coder'), approved('l1'), edited, approved('l1', 2), retired('l1')]);
    expect(plan.versionChanges.map((c) => (c.live ? [c.live, c.version, c.text] : [c.live]))).toEqual([[true, 1, 'Run the build before publishing.'], [true, 2, 'Run the build first.'], [false]]);
    expect(plan.upserts).toEqual([]);
  });
});


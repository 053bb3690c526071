import type { LessonCandidate } from '@reverie/contracts';
import { decide, type LessonState } from '@reverie/lesson-domain';
import { dedupAgainst, type ExistingLesson } from './dedup.decider';

function candidate(fp: string, sessions: number, eventIds: string[], confidence = 0.5): LessonCandidate {
  return {
    kind: 'mistake', scope: { tenantId: 'acme' }, text: `Do ${fp}`, fingerprint: fp,
    support: { sessions, distinctUsers: 2, occurrences: sessions, firstSeen: '2026-01-01T00:00:00.000Z', lastSeen: '2026-01-02T00:00:00.000Z' },
    effectSize: null, confidence,
    evidence: { refs: eventIds.map((e) => ({ tenantId: 'acme', sessionId: `s-${e}`, eventId: e })), counts: { sessions } },
    facts: { pattern: 'error-cluster' },
  };
}
const lesson = (fp: string, status: ExistingLesson['status'], supportSessions: number, evidenceEventIds: string[], supportAtRejection?: number): ExistingLesson =>
  ({ id: `L-${fp}`, fingerprint: fp, status, supportSessions, evidenceEventIds, ...(supportAtRejection !== undefined ? { supportAtRejection } : {}) });

describe('dedupAgainst', () => {
  it('proposes an unknown pattern', () => {
    expect(dedupAgainst([candidate('a', 3, ['e1'])], [])).toEqual([{ action: 'propose', candidate: candidate('a', 3, ['e1']) }]);
  });

  it('reinforces a lesson in review or served with only the new evidence', () => {
    const [d] = dedupAgainst([candidate('a', 5, ['e1', 'e2', 'e3'])], [lesson('a', 'active', 3, ['e1', 'e2'])]);
    expect(d.action).toBe('reinforce');
    if (d.action !== 'reinforce') throw new Error('unreachable');
    expect(d.lessonId).toBe('L-a');
    expect(d.candidate.evidence.refs.map((r) => r.eventId)).toEqual(['e3']);
    expect(d.candidate.support.sessions).toBe(5);
  });

  it('skips when there is nothing new', () => {
    expect(dedupAgainst([candidate('a', 3, ['e1'])], [lesson('a', 'proposed', 3, ['e1'])])).toEqual([{ action: 'skip', lessonId: 'L-a', reason: 'no new evidence' }]);
  });

  it('keeps a rejected lesson rejected until support grows past the factor, then reopens it', () => {
    const rejected = lesson('a', 'rejected', 4, ['e1'], 4);
    expect(dedupAgainst([candidate('a', 7, ['e1', 'e9'])], [rejected])[0]).toMatchObject({ action: 'reinforce', lessonId: 'L-a' });
    expect(dedupAgainst([candidate('a', 4, ['e1'])], [rejected])[0]).toEqual({ action: 'skip', lessonId: 'L-a', reason: 'rejected; no new evidence' });
    expect(dedupAgainst([candidate('a', 8, ['e1', 'e9'])], [rejected])[0]).toMatchObject({ action: 'reopen', lessonId: 'L-a' });
    expect(dedupAgainst([candidate('a', 8, ['e1', 'e9'])], [rejected], { rejectedRegrowthFactor: 3 })[0]).toMatchObject({ action: 'reinforce' });
  });

  it('reopens a rejected lesson exactly at ceil(factor x support at rejection), not one session before', () => {
    const rejected = lesson('a', 'rejected', 3, ['e1'], 3);
    expect(dedupAgainst([candidate('a', 4, ['e1', 'e9'])], [rejected], { rejectedRegrowthFactor: 1.5 })[0]).toMatchObject({ action: 'reinforce' });
    expect(dedupAgainst([candidate('a', 5, ['e1', 'e9'])], [rejected], { rejectedRegrowthFactor: 1.5 })[0]).toMatchObject({ action: 'reopen', lessonId: 'L-a' });
  });

  it('counts the support the rejected lesson already has when it exceeds the candidate\'s', () => {
    const rejected = lesson('a', 'rejected', 8, ['e1'], 4);
    expect(dedupAgainst([candidate('a', 5, ['e1', 'e9'])], [rejected])[0]).toMatchObject({ action: 'reopen', lessonId: 'L-a' });
  });

  it('never reopens a retired lesson (only a reviewer brings it back), and it takes no proposal slot', () => {
    const retired = lesson('a', 'retired', 3, ['e1']);
    expect(dedupAgainst([candidate('a', 100, ['e1', 'e9'])], [retired])[0]).toMatchObject({ action: 'reinforce', lessonId: 'L-a' });
    expect(dedupAgainst([candidate('a', 3, ['e1'])], [retired])[0]).toEqual({ action: 'skip', lessonId: 'L-a', reason: 'retired; no new evidence' });
    const ds = dedupAgainst([candidate('a', 100, ['e1', 'e9'], 0.9), candidate('b', 3, ['e2'], 0.1)], [retired], { maxProposalsPerDream: 1 });
    expect(ds.map((d) => d.action)).toEqual(['reinforce', 'propose']);
  });

  it('proposes afresh (a new lesson, in new words) a pattern whose lesson an erasure closed, citing what is left', () => {
    const erased: ExistingLesson = { ...lesson('a', 'rolled-back', 4, ['e1', 'e2']), wordsErased: true };
    expect(dedupAgainst([candidate('a', 3, ['e1'])], [erased])).toEqual([{ action: 'propose', candidate: candidate('a', 3, ['e1']), generation: 1 }]);
    // Next to it, a live lesson with the fingerprint still wins.
    expect(dedupAgainst([candidate('a', 3, ['e1'])], [erased, { ...lesson('a', 'active', 3, ['e1']), id: 'L-new' }])[0]).toMatchObject({ action: 'skip', lessonId: 'L-new' });
  });

  it('reopens exactly when the lesson decider lets the dreaming service reopen', () => {
    const metadata = { now: '2026-01-03T00:00:00.000Z', actor: { kind: 'service' as const, id: 'dreaming' }, correlationId: 'dream-9' };
    for (const factor of [1, 1.5, 2, 3]) {
      for (const atRejection of [1, 2, 3, 4, 7]) {
        for (let sessions = atRejection; sessions <= atRejection * factor + 2; sessions++) {
          const state: LessonState = {
            status: 'rejected', supportAtRejection: atRejection, kind: 'mistake', fingerprint: 'a', version: 0, proposers: ['dreaming'], evidenceDreamIds: ['d1'], approvals: [],
            text: 'x', textVersion: 1, textHash: 'h', latestTextVersion: 1, editors: [], violations: [],
            support: { sessions, distinctUsers: 2, occurrences: sessions, firstSeen: '2026-01-01T00:00:00.000Z', lastSeen: '2026-01-02T00:00:00.000Z' },
          };
          let deciderReopens = true;
          try {
            decide({ type: 'ReopenLesson', data: { dreamId: 'dream-9', reason: 'support grew', supportGrowthFactor: factor, policyCheck: { verdict: 'pass', violations: [] } }, metadata }, state);
          } catch {
            deciderReopens = false;
          }
          const [d] = dedupAgainst([candidate('a', sessions, ['e1', 'e9'])], [lesson('a', 'rejected', atRejection, ['e1'], atRejection)], { rejectedRegrowthFactor: factor });
          expect([factor, atRejection, sessions, d.action]).toEqual([factor, atRejection, sessions, deciderReopens ? 'reopen' : 'reinforce']);
        }
      }
    }
  });

  it('caps new proposals per dream (bounded drift), keeping the most confident', () => {
    const cs = [candidate('a', 3, ['1'], 0.2), candidate('b', 3, ['2'], 0.9), candidate('c', 3, ['3'], 0.5)];
    const ds = dedupAgainst(cs, [], { maxProposalsPerDream: 2 });
    expect(ds.map((d) => [d.action, d.action === 'skip' ? d.lessonId : d.candidate.fingerprint])).toEqual([['defer', 'a'], ['propose', 'b'], ['propose', 'c']]);
  });

  it('rejects two candidates with one fingerprint', () => {
    expect(() => dedupAgainst([candidate('a', 3, ['1']), candidate('a', 4, ['2'])], [])).toThrow('appears twice');
  });
});

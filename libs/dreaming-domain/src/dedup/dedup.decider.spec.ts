import type { LessonCandidate } from '@reverie/contracts';
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

  it('reinforces a proposed or approved lesson with only the new evidence', () => {
    const [d] = dedupAgainst([candidate('a', 5, ['e1', 'e2', 'e3'])], [lesson('a', 'approved', 3, ['e1', 'e2'])]);
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

  it('caps new proposals per dream (bounded drift), keeping the most confident', () => {
    const cs = [candidate('a', 3, ['1'], 0.2), candidate('b', 3, ['2'], 0.9), candidate('c', 3, ['3'], 0.5)];
    const ds = dedupAgainst(cs, [], { maxProposalsPerDream: 2 });
    expect(ds.map((d) => [d.action, d.action === 'skip' ? d.lessonId : d.candidate.fingerprint])).toEqual([['defer', 'a'], ['propose', 'b'], ['propose', 'c']]);
  });

  it('rejects two candidates with one fingerprint', () => {
    expect(() => dedupAgainst([candidate('a', 3, ['1']), candidate('a', 4, ['2'])], [])).toThrow('appears twice');
  });
});

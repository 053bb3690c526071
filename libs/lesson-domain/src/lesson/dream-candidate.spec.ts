import type { EvidenceRef, LessonCandidate } from '@reverie/contracts';
import type { DreamCandidate } from './dream-candidate';
import { given } from '../testing/dream-candidate-given-when-then';
import { approved, checked, claim, evidenceAdded, EXFILTRATION, proposed, rejected, retired, TENANT } from '../testing/lesson.fixtures';

const LATER = '2025-02-28T00:00:00.000Z';
const ref = (eventId: string): EvidenceRef => ({ tenantId: TENANT, sessionId: `s-${eventId}`, eventId });

/**
 * The pattern as a dream mines it: totals over every stored session (`sessions` of them, two more
 * occurrences than sessions), citing the first claim's events plus `newRefs`.
 */
function candidate(sessions = 4, newRefs: string[] = []): LessonCandidate {
  const base = claim();
  return {
    ...base,
    support: { ...base.support, sessions, occurrences: sessions + 2, ...(sessions !== base.support.sessions && { lastSeen: LATER }) },
    evidence: { refs: [...base.evidence.refs, ...newRefs.map(ref)], counts: { errors: sessions + 2, sessions } },
    facts: { command: 'npm publish' },
  };
}
const dream = (action: DreamCandidate['action'], c: LessonCandidate, dreamId = 'dream-2', rejectedRegrowthFactor = 2): DreamCandidate =>
  ({ dreamId, action, candidate: c, rejectedRegrowthFactor });
/** The LessonEvidenceAdded of `dreamId` carrying `sessions` new sessions (and as many occurrences) and the `refs`. */
const added = (sessions: number, refs: string[], dreamId = 'dream-2') => ({
  type: 'LessonEvidenceAdded' as const,
  data: {
    dreamId,
    support: { sessions, distinctUsers: 2, occurrences: sessions, firstSeen: claim().support.firstSeen, lastSeen: LATER },
    evidence: { refs: refs.map(ref), counts: { errors: sessions, sessions } },
    confidence: 0.8,
  },
});
const unchanged = { outcome: 'unchanged' as const, records: [] as [], note: 'no new support or evidence' };

describe('a dream candidate on its lesson', () => {
  describe('propose', () => {
    it('proposes a lesson LESSONS does not hold, without the writer-only facts', () =>
      given([]).when(dream('propose', candidate(), 'dream-1')).then({ outcome: 'proposed', records: [proposed('dream-1'), checked()] }));
    it('proposes it blocked when the tenant\'s guardrails block its text', () =>
      given([], () => EXFILTRATION).when(dream('propose', candidate(), 'dream-1')).then({ outcome: 'proposed', records: [proposed('dream-1'), checked(EXFILTRATION)] }));
    it('changes nothing when the same dream proposes it again (a retried request)', () =>
      given([proposed('dream-1')]).when(dream('propose', candidate(), 'dream-1')).then(unchanged));
    it('adds evidence instead when a concurrent dream proposed the same lesson first', () =>
      given([proposed('dream-1')]).when(dream('propose', candidate(5, ['e3']))).then({ outcome: 'reinforced', records: [added(1, ['e3'])] }));
    it('refuses a claim the lesson decider refuses, naming the field', () =>
      given([]).when(dream('propose', { ...candidate(), confidence: 3 })).thenThrows('invalid-command', /data\.confidence/));
  });

  describe('reinforce', () => {
    it('adds only the support and the evidence the lesson does not count yet', () =>
      given([proposed()]).when(dream('reinforce', candidate(6, ['e3', 'e4']))).then({ outcome: 'reinforced', records: [added(2, ['e3', 'e4'])] }));
    it('subtracts what earlier dreams added as well', () =>
      given([proposed('dream-1'), evidenceAdded('dream-2', 4)]).when(dream('reinforce', candidate(9, ['e-dream-2', 'e5']), 'dream-3'))
        .then({ outcome: 'reinforced', records: [added(1, ['e5'], 'dream-3')] }));
    it('adds evidence to an approved lesson', () =>
      given([proposed(), approved()]).when(dream('reinforce', candidate(5, ['e3']))).then({ outcome: 'reinforced', records: [added(1, ['e3'])] }));
    it('adds evidence to a rejected lesson that has not grown enough to come back, which stays rejected', () =>
      given([proposed(), rejected(4)]).when(dream('reinforce', candidate(7, ['e3']))).then({ outcome: 'reinforced', records: [added(3, ['e3'])] }));
  });

  describe('reopen', () => {
    it('adds the evidence and reopens a rejected lesson whose support reached the factor', () =>
      given([proposed(), rejected(4)]).when(dream('reopen', candidate(8, ['e3']))).then({
        outcome: 'reopened',
        records: [added(4, ['e3']), { type: 'LessonReopened', data: { dreamId: 'dream-2', reason: 'support grew from 4 sessions at rejection to 8 (factor 2)' } }, checked()],
      }));
    it('honours the dream\'s growth factor', () =>
      given([proposed(), rejected(4)]).when(dream('reopen', candidate(6, ['e3']), 'dream-2', 1.5)).then({
        outcome: 'reopened',
        records: [added(2, ['e3']), { type: 'LessonReopened', data: { dreamId: 'dream-2', reason: 'support grew from 4 sessions at rejection to 6 (factor 1.5)' } }, checked()],
      }));
    it('reopens on support an earlier dream added, with no new evidence of its own', () =>
      given([proposed(), rejected(4), evidenceAdded('dream-2', 4)]).when(dream('reopen', candidate(8, ['e-dream-2']), 'dream-3')).then({
        outcome: 'reopened',
        records: [{ type: 'LessonReopened', data: { dreamId: 'dream-3', reason: 'support grew from 4 sessions at rejection to 8 (factor 2)' } }, checked()],
      }));
  });

  describe('unchanged', () => {
    it('changes nothing when the lesson already counts all of the support and evidence', () =>
      given([proposed()]).when(dream('reinforce', candidate())).then(unchanged));
    it('never counts support the lesson has more of than the signals left (e.g. after an erasure)', () =>
      given([proposed()]).when(dream('reinforce', candidate(2))).then(unchanged));
    it('leaves a retired lesson alone when there is nothing new', () =>
      given([proposed(), approved(), retired()]).when(dream('reinforce', candidate())).then(unchanged));
  });

  describe('refused', () => {
    it('refuses to reinforce or reopen a lesson LESSONS does not hold (the dream\'s index is wrong)', () => {
      given([]).when(dream('reinforce', candidate(5, ['e3']))).thenThrows('not-found', /in the index but not on LESSONS/);
      given([]).when(dream('reopen', candidate(8, ['e3']))).thenThrows('not-found');
    });
    it('refuses new evidence for a retired lesson', () =>
      given([proposed(), approved(), retired()]).when(dream('reopen', candidate(9, ['e3']))).thenThrows('already-retired'));
  });
});

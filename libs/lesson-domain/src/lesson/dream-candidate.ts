import { deterministicId, type Evidence, type LessonCandidate, type LessonEvent, type Support } from '@reverie/contracts';
import type { LessonCommandMetadata, PolicyCheck, PolicySubject } from './lesson.commands';
import { decide } from './lesson.decider';
import { LessonDomainError } from './lesson-domain.error';
import { toEnvelopes } from './lesson.envelopes';
import type { LessonEventRecord } from './lesson.event-records';
import { mergeEvidence } from './lesson-evidence';
import { mayReopen } from './lesson-reopen';
import { evolve, evolveAll, type LessonState } from './lesson.state';

/** One candidate of a dream, with what the dream's dedup planned for it. */
export interface DreamCandidate {
  dreamId: string;
  action: 'propose' | 'reinforce' | 'reopen';
  /** The pattern's claim; its support and evidence are totals over every stored session. */
  candidate: LessonCandidate;
  /** A rejected lesson is reopened once its support reached this many times its support at rejection. */
  rejectedRegrowthFactor: number;
}

/** The lesson the candidate lands on, as LESSONS holds it now. */
export interface CandidateLesson {
  tenantId: string;
  lessonId: string;
  history: LessonEvent[];
}

export type DreamCandidateDecision =
  | { outcome: 'proposed' | 'reinforced' | 'reopened'; records: LessonEventRecord[] }
  | { outcome: 'unchanged'; records: []; note: string };

/** A new lesson's id comes from its fingerprint, so a re-run (or a concurrent twin) lands on the same aggregate. */
/** A pattern's lesson id; `generation` n > 0 for the lesson written afresh after an erasure closed n earlier ones. */
export const lessonIdOf = (tenantId: string, fingerprint: string, generation = 0): string =>
  (generation ? deterministicId(tenantId, fingerprint, `generation-${generation}`) : deterministicId(tenantId, fingerprint));

/**
 * What a dream's candidate does to its lesson, decided against the lesson's current history (the
 * dream's lesson index may lag): a lesson that does not exist is proposed; one that exists gets
 * only the support and evidence it does not have yet (support in a LessonEvidenceAdded is new
 * support, as `mergeSupport` folds it); a rejected one whose support grew past the factor is
 * reopened. A proposed or reopened text goes through `checkPolicy` (the tenant's guardrails, pure).
 * Throws the lesson decider's LessonDomainError when the lesson refuses.
 */
export function decideDreamCandidate(lesson: CandidateLesson, dream: DreamCandidate, metadata: LessonCommandMetadata, checkPolicy: (lesson: PolicySubject) => PolicyCheck): DreamCandidateDecision {
  const { dreamId, candidate } = dream;
  const state = evolveAll(lesson.history);
  if (state.status === 'initial') {
    if (dream.action !== 'propose') throw new LessonDomainError('not-found', `lesson ${candidate.fingerprint} is in the index but not on LESSONS`);
    const { facts: _writerOnly, ...claim } = candidate;
    return { outcome: 'proposed', records: decide({ type: 'ProposeLesson', data: { ...claim, dreamId, policyCheck: checkPolicy(claim) }, metadata }, state) };
  }
  const current = currentEvidence(lesson.history);
  const known = new Set(current.refs.map((r) => r.eventId));
  const refs = candidate.evidence.refs.filter((r) => !known.has(r.eventId));
  const support = supportDelta(state.support, candidate.support);
  const records: LessonEventRecord[] = [];
  let next: LessonState = state;
  if (refs.length || support.sessions > 0 || support.occurrences > 0) {
    const evidence: Evidence = { refs, counts: countsDelta(current.counts, candidate.evidence.counts) };
    records.push(...decide({ type: 'AddLessonEvidence', data: { dreamId, support, evidence, confidence: candidate.confidence }, metadata }, state));
    for (const e of toEnvelopes(lesson.tenantId, lesson.lessonId, records, metadata, () => 'pending')) next = evolve(next, e);
  }
  const factor = dream.rejectedRegrowthFactor;
  if (next.status === 'rejected' && mayReopen({ status: 'rejected', supportSessions: next.support.sessions, supportAtRejection: next.supportAtRejection }, { byReviewer: false, factor }).reopen) {
    const reason = `support grew from ${next.supportAtRejection} sessions at rejection to ${next.support.sessions} (factor ${factor})`;
    records.push(...decide({ type: 'ReopenLesson', data: { dreamId, reason, supportGrowthFactor: factor, policyCheck: checkPolicy({ text: next.text, kind: next.kind, support: next.support, evidence: candidate.evidence }) }, metadata }, next));
    return { outcome: 'reopened', records };
  }
  if (!records.length) return { outcome: 'unchanged', records: [], note: 'no new support or evidence' };
  return { outcome: 'reinforced', records };
}

/** The candidate's support is the pattern's total over every stored session; the lesson already counts part of it. */
export function supportDelta(current: Support, total: Support): Support {
  return {
    ...total,
    sessions: Math.max(0, total.sessions - current.sessions),
    occurrences: Math.max(0, total.occurrences - current.occurrences),
  };
}

function currentEvidence(history: LessonEvent[]): Evidence {
  let evidence: Evidence = { refs: [], counts: {} };
  for (const e of history) {
    if (e.type === 'LessonProposed' || e.type === 'LessonEvidenceAdded') evidence = mergeEvidence(evidence, e.data.evidence);
  }
  return evidence;
}

function countsDelta(current: Record<string, number>, total: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(total)) out[k] = Math.max(0, v - (current[k] ?? 0));
  return out;
}

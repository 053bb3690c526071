import type { LessonCandidate, LessonStatus } from '@reverie/contracts';
import { mayReopen, type ReopenQuestion } from '@reverie/lesson-domain';
import { resolveThresholds, type DreamThresholds } from '../thresholds';

/** What dedup needs to know about a lesson that already exists (from the LESSONS read model). */
export interface ExistingLesson {
  id: string;
  fingerprint: string;
  status: LessonStatus;
  supportSessions: number;
  /** Support when it was rejected; the lesson is reopened only at `rejectedRegrowthFactor` × this (see `mayReopen`). */
  supportAtRejection?: number;
  evidenceEventIds: string[];
  /** An erasure withdrew its words: the pattern is proposed afresh (a new lesson, new words) as if it did not exist. */
  wordsErased?: boolean;
}

export type DedupDecision =
  /** `generation`: how many lessons of this pattern an erasure closed before (the new lesson needs an id of its own). */
  | { action: 'propose'; candidate: LessonCandidate; generation?: number }
  /** New evidence for an existing lesson; `candidate.evidence.refs` holds only refs the lesson does not have yet. */
  | { action: 'reinforce'; lessonId: string; candidate: LessonCandidate }
  | { action: 'reopen'; lessonId: string; candidate: LessonCandidate }
  | { action: 'skip'; lessonId: string; reason: string }
  /** Bounded drift: a new proposal over this dream's cap, left for a later dream. */
  | { action: 'defer'; candidate: LessonCandidate; reason: string };

/**
 * Dedup by fingerprint:
 * - unknown pattern → propose (at most `maxProposalsPerDream`, highest confidence first; the rest deferred);
 * - a lesson in review, blocked or served → reinforce with the new evidence only, skip when there is none;
 * - rejected lesson → reopen when lesson-domain's `mayReopen` lets the dreaming service reopen it
 *   (support ≥ ceil(factor × support at rejection)), else reinforce (it stays rejected; its evidence
 *   still grows) or skip when there is no new evidence;
 * - retired, expired or rolled-back lesson → never reopened by a dream (only a reviewer brings it back): reinforce or skip as above;
 * - a lesson whose words an erasure withdrew does not count: the pattern, if what is left still
 *   supports it, is proposed again as a new lesson in new words.
 */
export function dedupAgainst(candidates: readonly LessonCandidate[], existing: readonly ExistingLesson[], thresholds?: Partial<DreamThresholds>): DedupDecision[] {
  const t = resolveThresholds(thresholds);
  const byFingerprint = new Map<string, ExistingLesson>();
  const erasedOf = new Map<string, number>();
  for (const l of existing) if (l.wordsErased) erasedOf.set(l.fingerprint, (erasedOf.get(l.fingerprint) ?? 0) + 1);
  for (const l of [...existing].filter((x) => !x.wordsErased).sort((a, b) => (a.id < b.id ? -1 : 1))) {
    const prev = byFingerprint.get(l.fingerprint);
    // Several lessons with one fingerprint: the live one wins over the rejected/retired one.
    if (!prev || (isClosed(prev) && !isClosed(l))) byFingerprint.set(l.fingerprint, l);
  }
  const decisions: DedupDecision[] = [];
  const fresh: LessonCandidate[] = [];
  const seen = new Set<string>();
  for (const c of candidates) {
    if (seen.has(c.fingerprint)) throw new Error(`dedupAgainst: fingerprint ${c.fingerprint} appears twice among the candidates`);
    seen.add(c.fingerprint);
    const lesson = byFingerprint.get(c.fingerprint);
    if (!lesson) { fresh.push(c); continue; }
    const known = new Set(lesson.evidenceEventIds);
    const newRefs = c.evidence.refs.filter((r) => !known.has(r.eventId));
    const withNew: LessonCandidate = { ...c, evidence: { ...c.evidence, refs: newRefs } };
    if (isClosed(lesson)) {
      if (mayBeProposedAgain(lesson, c, t.rejectedRegrowthFactor)) {
        fresh.push(c); // competes for the drift cap with the new proposals
        continue;
      }
      if (newRefs.length === 0 && c.support.sessions <= lesson.supportSessions) {
        decisions.push({ action: 'skip', lessonId: lesson.id, reason: `${lesson.status}; no new evidence` });
      } else {
        decisions.push({ action: 'reinforce', lessonId: lesson.id, candidate: withNew });
      }
      continue;
    }
    if (newRefs.length === 0 && c.support.sessions <= lesson.supportSessions) {
      decisions.push({ action: 'skip', lessonId: lesson.id, reason: 'no new evidence' });
    } else {
      decisions.push({ action: 'reinforce', lessonId: lesson.id, candidate: withNew });
    }
  }
  fresh.sort((a, b) => b.confidence - a.confidence || b.support.sessions - a.support.sessions || (a.fingerprint < b.fingerprint ? -1 : 1));
  fresh.forEach((c, i) => {
    const lesson = byFingerprint.get(c.fingerprint);
    if (i >= t.maxProposalsPerDream) {
      decisions.push({ action: 'defer', candidate: c, reason: `over the cap of ${t.maxProposalsPerDream} proposals per dream` });
    } else if (lesson) {
      decisions.push({ action: 'reopen', lessonId: lesson.id, candidate: c });
    } else {
      const generation = erasedOf.get(c.fingerprint);
      decisions.push({ action: 'propose', candidate: c, ...(generation && { generation }) });
    }
  });
  return decisions.sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
}

/**
 * Whether the lesson decider will let dreaming reopen this closed lesson once the candidate's support
 * is counted: the rule is lesson-domain's `mayReopen`, asked as the dreaming service (not a reviewer),
 * so a retired lesson is never proposed again by a dream. The candidate's support is the pattern's
 * total; the lesson keeps the larger of it and what it already counts (as adding the difference does).
 */
function mayBeProposedAgain(lesson: ExistingLesson, c: LessonCandidate, factor: number): boolean {
  const supportSessions = Math.max(lesson.supportSessions, c.support.sessions);
  const question: ReopenQuestion = lesson.status === 'rejected'
    ? { status: 'rejected', supportSessions, supportAtRejection: lesson.supportAtRejection ?? lesson.supportSessions }
    : { status: lesson.status, supportSessions };
  return mayReopen(question, { byReviewer: false, factor }).reopen;
}

function isClosed(l: ExistingLesson): boolean {
  return l.status === 'rejected' || l.status === 'retired' || l.status === 'expired' || l.status === 'rolled-back';
}

function keyOf(d: DedupDecision): string {
  return d.action === 'skip' ? `~${d.lessonId}` : d.candidate.fingerprint;
}

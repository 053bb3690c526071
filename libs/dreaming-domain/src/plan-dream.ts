import type { LessonCandidate } from '@reverie/contracts';
import { dedupAgainst, type DedupDecision, type ExistingLesson } from './dedup/dedup.decider';
import { mineCandidates } from './mining/mine-candidates';
import type { SessionSignals } from './signals/session-signals.model';
import { ANALYZER_VERSION, resolveThresholds, type DreamThresholds } from './thresholds';

export interface DreamPlan {
  analyzerVersion: string;
  thresholds: DreamThresholds;
  candidates: LessonCandidate[];
  decisions: DedupDecision[];
  counts: Record<string, number>;
}

/** The whole pure dream: same input → same output (everything sorted, fingerprints stable). */
export function planDream(input: { signals: readonly SessionSignals[]; existing?: readonly ExistingLesson[]; thresholds?: Partial<DreamThresholds> }): DreamPlan {
  const thresholds = resolveThresholds(input.thresholds);
  const candidates = mineCandidates(input.signals, thresholds);
  const decisions = dedupAgainst(candidates, input.existing ?? [], thresholds);
  const counts: Record<string, number> = {
    sessions: input.signals.length,
    events: input.signals.reduce((n, s) => n + s.eventCount, 0),
    candidates: candidates.length,
    propose: 0, reinforce: 0, reopen: 0, skip: 0, defer: 0,
    mistake: 0, preference: 0, workflow: 0,
  };
  for (const d of decisions) counts[d.action]++;
  for (const c of candidates) counts[c.kind]++;
  return { analyzerVersion: ANALYZER_VERSION, thresholds, candidates, decisions, counts };
}

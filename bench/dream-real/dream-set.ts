import { resolve } from 'node:path';
import type { LessonCandidate } from '@reverie/contracts';
import { extractSignals, planDream, withConversationRoots, type DreamThresholds, type ExistingLesson } from '@reverie/dreaming-domain';
import { readGroundTruth, type GroundTruth } from './ground-truth';
import { loadSet } from './load-set';
import { scoreSet, type SetScore } from './score';

/** A backlog needs a few dreams when it holds more patterns than one dream may propose. */
const MAX_DREAMS = 5;

const REPO = resolve(__dirname, '../..');
/** Works from the sources (jest) and from dist/bench/dream-real (node). */
const root = /[\\/]dist[\\/]bench[\\/]/.test(__dirname) ? resolve(__dirname, '../../..') : REPO;
export const DEV_SET_DIR = resolve(root, 'samples/dev');
export const GROUND_TRUTH_DIR = resolve(root, 'bench/dream-real/ground-truth');

export const DEV_SETS = [
  'claude-code-templar', 'claude-code-vsla', 'claude-code-session-share', 'cursor-specstory-minsky',
  'tau2-bench', 'tau-bench-retail-grok3', 'mini-swe-agent',
] as const;

export interface SetRun {
  truth: GroundTruth;
  proposals: LessonCandidate[];
  score: SetScore;
  skippedFiles: number;
  events: number;
  /** Dreams run until none deferred a proposal over its cap. */
  dreams: number;
  ms: number;
}

/**
 * One set as a new user would see it: every file through the real importers (auto-detected),
 * full deterministic dreams over all of it with the default thresholds (the template writer) until
 * none defers a proposal over its cap, and the proposals scored against the hand labels.
 */
export function dreamOverSet(set: string, thresholds?: Partial<DreamThresholds>): SetRun {
  const t0 = Date.now();
  const truth = readGroundTruth(resolve(GROUND_TRUTH_DIR, `${set}.json`));
  const loaded = loadSet(resolve(DEV_SET_DIR, set), set, truth.format);
  const signals = loaded.sessions.map((s) => extractSignals(s.events));
  // A dream proposes at most `maxProposalsPerDream`; the rest are deferred to the next dream over the
  // same sessions, which a user importing a backlog runs too. Dream until nothing is deferred.
  const proposals: LessonCandidate[] = [];
  let plan = planDream({ signals, thresholds });
  let dreams = 1;
  for (;;) {
    proposals.push(...plan.decisions.flatMap((d) => (d.action === 'propose' ? [d.candidate] : [])));
    if (!plan.decisions.some((d) => d.action === 'defer') || dreams >= MAX_DREAMS) break;
    const existing: ExistingLesson[] = proposals.map((c, i) => ({
      id: `lesson-${i}`, fingerprint: c.fingerprint, status: 'proposed', supportSessions: c.support.sessions, evidenceEventIds: c.evidence.refs.map((r) => r.eventId),
    }));
    plan = planDream({ signals, thresholds, existing });
    dreams++;
  }
  const roots = new Set(withConversationRoots(signals).map((s) => s.rootId ?? s.sessionId)).size;
  return {
    truth, proposals, score: scoreSet(truth, roots, proposals), skippedFiles: loaded.skipped.length,
    events: plan.counts.events, dreams, ms: Date.now() - t0,
  };
}

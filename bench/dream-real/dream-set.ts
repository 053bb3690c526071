import { resolve } from 'node:path';
import type { LessonCandidate } from '@reverie/contracts';
import { extractSignals, planDream, withConversationRoots, type DreamThresholds } from '@reverie/dreaming-domain';
import { readGroundTruth, type GroundTruth } from './ground-truth';
import { loadSet } from './load-set';
import { scoreSet, type SetScore } from './score';

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
  ms: number;
}

/**
 * One set as a new user would see it: every file through the real importers (auto-detected),
 * one full deterministic dream over all of it with the default thresholds (the template writer),
 * and the proposals scored against the hand labels.
 */
export function dreamOverSet(set: string, thresholds?: Partial<DreamThresholds>): SetRun {
  const t0 = Date.now();
  const truth = readGroundTruth(resolve(GROUND_TRUTH_DIR, `${set}.json`));
  const loaded = loadSet(resolve(DEV_SET_DIR, set), set, truth.format);
  const signals = loaded.sessions.map((s) => extractSignals(s.events));
  const plan = planDream({ signals, thresholds });
  const proposals = plan.decisions.flatMap((d) => (d.action === 'propose' ? [d.candidate] : []));
  const roots = new Set(withConversationRoots(signals).map((s) => s.rootId ?? s.sessionId)).size;
  return {
    truth, proposals, score: scoreSet(truth, roots, proposals), skippedFiles: loaded.skipped.length,
    events: plan.counts.events, ms: Date.now() - t0,
  };
}

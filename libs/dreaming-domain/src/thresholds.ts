/** Bumped whenever a change to signals, mining or scoring can change what a dream proposes. */
export const ANALYZER_VERSION = 'dreaming-domain/1.1.0';

export interface DreamThresholds {
  /** A pattern needs at least this many distinct sessions. */
  minSessions: number;
  /** Distinct users needed for a mistake (error cluster, failure association). */
  minDistinctUsers: number;
  /** Distinct users needed for a preference or a rejected-action pattern (independent corroboration). */
  minPreferenceUsers: number;
  /** Fisher's exact test, after Benjamini-Hochberg correction over every feature tested. */
  maxPValue: number;
  /**
   * Sessions of one task cluster needed before a workflow is mined: sessions with a recorded outcome
   * (or explicit feedback), or, without one, those judged by how they ended (see `workflowOutcome`).
   */
  minTaskSessions: number;
  /** A rejected (or retired) lesson is reopened only when support grows past this factor. */
  rejectedRegrowthFactor: number;
  /** Bounded drift: at most this many new proposals (and reopenings) per dream. */
  maxProposalsPerDream: number;
  /** Jaccard similarity at which two task prompts (or two corrective statements) are the same. */
  similarity: number;
}

export const DEFAULT_THRESHOLDS: DreamThresholds = Object.freeze({
  minSessions: 3,
  minDistinctUsers: 1,
  minPreferenceUsers: 2,
  maxPValue: 0.05,
  minTaskSessions: 3,
  rejectedRegrowthFactor: 2,
  maxProposalsPerDream: 20,
  similarity: 0.6,
});

/** Fills missing fields from the defaults and rejects nonsense with a message naming the field. */
export function resolveThresholds(partial?: Partial<DreamThresholds>): DreamThresholds {
  const t = { ...DEFAULT_THRESHOLDS, ...(partial ?? {}) };
  const intAtLeast = (name: keyof DreamThresholds, min: number) => {
    const v = t[name];
    if (!Number.isInteger(v) || v < min) throw new Error(`thresholds.${name} must be an integer >= ${min}, got ${v}`);
  };
  intAtLeast('minSessions', 1);
  intAtLeast('minDistinctUsers', 1);
  intAtLeast('minPreferenceUsers', 1);
  intAtLeast('minTaskSessions', 2);
  intAtLeast('maxProposalsPerDream', 0);
  if (!(t.maxPValue > 0 && t.maxPValue <= 1)) throw new Error(`thresholds.maxPValue must be in (0, 1], got ${t.maxPValue}`);
  if (!(t.rejectedRegrowthFactor >= 1)) throw new Error(`thresholds.rejectedRegrowthFactor must be >= 1, got ${t.rejectedRegrowthFactor}`);
  if (!(t.similarity > 0 && t.similarity <= 1)) throw new Error(`thresholds.similarity must be in (0, 1], got ${t.similarity}`);
  return t;
}

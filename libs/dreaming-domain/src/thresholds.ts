/** Bumped whenever a change to signals, mining or scoring can change what a dream proposes. */
export const ANALYZER_VERSION = 'dreaming-domain/1.3.0';

/**
 * What corroborates a preference or a rejected-action pattern: statements by distinct users, or
 * (a developer's own logs) distinct sessions of one user. `auto`: distinct users when the tenant's
 * sessions name two users or more, else distinct sessions.
 */
export type Corroboration = 'auto' | 'users' | 'sessions';
const CORROBORATIONS: readonly Corroboration[] = ['auto', 'users', 'sessions'];

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
  /** See `Corroboration`; with `sessions`, `minPreferenceUsers` is not required and lessons say they were stated by one user. */
  corroboration: Corroboration;
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
  corroboration: 'auto',
});

/** Fills missing fields from the defaults and rejects nonsense with a message naming the field. */
export function resolveThresholds(partial?: Partial<DreamThresholds>): DreamThresholds {
  const t = { ...DEFAULT_THRESHOLDS, ...(partial ?? {}) };
  const intAtLeast = (name: Exclude<keyof DreamThresholds, 'corroboration'>, min: number) => {
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
  if (!CORROBORATIONS.includes(t.corroboration)) throw new Error(`thresholds.corroboration must be one of ${CORROBORATIONS.join(', ')}, got ${String(t.corroboration)}`);
  return t;
}

/** Users a preference needs in this tenant: `minPreferenceUsers`, or 1 when sessions of one user corroborate. */
export function preferenceUsersNeeded(t: DreamThresholds, sessions: ReadonlyArray<{ userId?: string }>): { users: number; by: 'users' | 'sessions' } {
  if (t.corroboration === 'users') return { users: t.minPreferenceUsers, by: 'users' };
  if (t.corroboration === 'sessions') return { users: 1, by: 'sessions' };
  const users = new Set(sessions.map((s) => s.userId ?? ''));
  return users.size >= 2 ? { users: t.minPreferenceUsers, by: 'users' } : { users: 1, by: 'sessions' };
}

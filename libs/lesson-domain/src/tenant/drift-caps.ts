/**
 * Bounded drift: how much a tenant's served lessons may change in a day (and a dream), for the
 * tenant as a whole and for each agent. Safety actions (rollback, revocation, expiry) are never
 * capped: a cap may slow what agents learn, never what they unlearn.
 */
export interface DriftCaps {
  /** New proposals one dream may make (the rest wait for a later dream). */
  maxProposalsPerDream: number;
  /** Approvals that put a lesson (or a new version) in front of agents, per UTC day. */
  maxApprovalsPerDay: number;
  /** Retirements per UTC day. */
  maxRetirementsPerDay: number;
  /** Approvals and retirements together, per UTC day. */
  maxActiveChangesPerDay: number;
  /** The share of the served set (at the day's start) approvals and retirements may change in a day, once it has `shareFloor` lessons. */
  maxActiveShareChangedPerDay: number;
  shareFloor: number;
}

export type DriftAction = 'approve' | 'retire';

/** What was done today, in the scope a cap counts (the tenant, or one agent). */
export interface DriftCounts {
  approvals: number;
  retirements: number;
  /** Lessons served at the start of the day. */
  activeAtDayStart: number;
}

export interface DriftRefusal {
  cap: keyof DriftCaps;
  detail: string;
}

/** Whether one more `action` in this scope stays within the caps; the refusal names the cap. */
export function exceedsDrift(action: DriftAction, scope: string, counts: DriftCounts, caps: DriftCaps): DriftRefusal | undefined {
  const changes = counts.approvals + counts.retirements;
  if (action === 'approve' && counts.approvals + 1 > caps.maxApprovalsPerDay) {
    return { cap: 'maxApprovalsPerDay', detail: `${scope} already had ${counts.approvals} approval(s) today; the tenant's policy allows ${caps.maxApprovalsPerDay} a day (drift.maxApprovalsPerDay)` };
  }
  if (action === 'retire' && counts.retirements + 1 > caps.maxRetirementsPerDay) {
    return { cap: 'maxRetirementsPerDay', detail: `${scope} already had ${counts.retirements} retirement(s) today; the tenant's policy allows ${caps.maxRetirementsPerDay} a day (drift.maxRetirementsPerDay)` };
  }
  if (changes + 1 > caps.maxActiveChangesPerDay) {
    return { cap: 'maxActiveChangesPerDay', detail: `${scope} already had ${changes} change(s) to its served lessons today; the tenant's policy allows ${caps.maxActiveChangesPerDay} a day (drift.maxActiveChangesPerDay)` };
  }
  if (counts.activeAtDayStart >= caps.shareFloor && (changes + 1) / counts.activeAtDayStart > caps.maxActiveShareChangedPerDay) {
    const pct = Math.round(caps.maxActiveShareChangedPerDay * 100);
    return { cap: 'maxActiveShareChangedPerDay', detail: `one more change would change ${changes + 1} of the ${counts.activeAtDayStart} lessons ${scope} served at the start of the day; the tenant's policy allows ${pct}% a day (drift.maxActiveShareChangedPerDay)` };
  }
  return undefined;
}

export const DEFAULT_DRIFT_CAPS: DriftCaps = {
  maxProposalsPerDream: 20, maxApprovalsPerDay: 25, maxRetirementsPerDay: 25, maxActiveChangesPerDay: 40, maxActiveShareChangedPerDay: 0.5, shareFloor: 10,
};

/** The start of the UTC day `now` is in, and of the next: when a daily cap resets. */
export function utcDay(now: string): { start: string; next: string } {
  const d = new Date(now);
  const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  return { start: new Date(start).toISOString(), next: new Date(start + 24 * 3600 * 1000).toISOString() };
}

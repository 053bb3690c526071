import type { CommandMetadata } from '../command/command-metadata';
import type { Actor, Evidence, LessonClaim, PolicyViolation, QuarantinedSource, Support } from '@reverie/contracts';

export type LessonCommandMetadata = CommandMetadata;

interface Command<T extends string, D> {
  type: T;
  data: D;
  metadata: LessonCommandMetadata;
}

/**
 * What the tenant's guardrails said about a text, computed by the caller before deciding (the
 * rules are pure, in @reverie/guardrails; the decider records their verdict, it does not run them).
 */
export interface PolicyCheck {
  verdict: 'pass' | 'block';
  violations: PolicyViolation[];
}

/** What the policy checks of a lesson: its text, and what the text rests on (its kind, support and evidence). */
export interface PolicySubject {
  text: string;
  rationale?: string;
  kind: LessonClaim['kind'];
  support: Support;
  evidence?: Evidence;
}

/** How an approval reaches agents, from the tenant's policy. */
export interface RolloutPolicy {
  /** Share of sessions served a newly approved lesson first (0: straight to every agent). */
  canaryShare: number;
  /** How long the canary lasts before governance promotes it to all. */
  canaryPeriodMs: number;
  /** How long an approval holds before the lesson must be reviewed again (it expires). */
  reviewAfterMs: number;
}

export type ProposeLesson = Command<'ProposeLesson', LessonClaim & { dreamId: string; policyCheck: PolicyCheck }>;
export type AddLessonEvidence = Command<
  'AddLessonEvidence',
  { dreamId: string; support: Support; evidence: Evidence; confidence: number }
>;
/** A reviewer's new text (and rationale); `policyCheck` is the guardrails' verdict on it. */
export type EditLesson = Command<'EditLesson', { text: string; rationale?: string; policyCheck: PolicyCheck }>;
/**
 * The reviewer is the command's actor (`metadata.actor.id`). `requiredApprovals` is the tenant's
 * policy (default 1): that many distinct approvers, none of them a proposer, an editor or a source
 * of the evidence, before the lesson is approved. `textHash` is the version the approver read: an
 * approval binds to it and is refused when the text changed since. `rollout` defaults to straight
 * to every agent, reviewed again after DEFAULT_REVIEW_AFTER_MS.
 */
export type ApproveLesson = Command<'ApproveLesson', { note?: string; requiredApprovals?: number; textHash?: string; rollout?: RolloutPolicy }>;
export type RejectLesson = Command<'RejectLesson', { reason: string }>;
export type ReopenLesson = Command<
  'ReopenLesson',
  {
    dreamId?: string;
    reason: string;
    /**
     * A rejected lesson comes back only when its support (sessions) reached this factor times the
     * support it had when rejected. Default REOPEN_SUPPORT_FACTOR. Reviewers reopen regardless,
     * and only reviewers may reopen a retired, expired or rolled-back lesson (the rule: `mayReopen`).
     */
    supportGrowthFactor?: number;
    /** The guardrails' verdict on the text as it is now (the tenant's policy may have changed since). */
    policyCheck: PolicyCheck;
  }
>;
export type RetireLesson = Command<'RetireLesson', { reason: string }>;
/** Canary → every agent: by a reviewer at any time, by a service only once the canary period is over. */
export type PromoteLesson = Command<'PromoteLesson', { reason: string }>;
/**
 * Withdraw the live version: the previous live version is served again, else nothing. A
 * revocation withdraws every version (`withdraw`): for good, or back to review for a new approval.
 */
export type RollBackLesson = Command<'RollBackLesson', { reason: string; withdraw?: 'for-good' | 'to-review' }>;
/** Support from quarantined sources stops counting: `support` is what is left (see `supportWithout`). */
export type RevokeLessonEvidence = Command<'RevokeLessonEvidence', { revocationId: string; sources: QuarantinedSource[]; support: Support; removedSessions: number; wordsErased?: true }>;
/** The review-by date passed (governance's clock decides when to ask; the decider checks it). */
export type ExpireLesson = Command<'ExpireLesson', Record<string, never>>;

export type LessonCommand =
  | ProposeLesson
  | AddLessonEvidence
  | EditLesson
  | ApproveLesson
  | RejectLesson
  | ReopenLesson
  | RetireLesson
  | PromoteLesson
  | RollBackLesson
  | RevokeLessonEvidence
  | ExpireLesson;
export type LessonCommandType = LessonCommand['type'];

export const REOPEN_SUPPORT_FACTOR = 2;
/** The most distinct approvers a tenant policy may require. */
export const MAX_REQUIRED_APPROVALS = 10;
/** An approval holds this long before the lesson must be reviewed again, unless the tenant's policy says otherwise. */
export const DEFAULT_REVIEW_AFTER_MS = 90 * 24 * 3600 * 1000;
/** Actor kinds allowed to edit, approve or reject: people, never agents or services. */
export const REVIEWER_KINDS: ReadonlyArray<Actor['kind']> = ['reviewer', 'user'];

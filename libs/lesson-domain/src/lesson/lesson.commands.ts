import type { CommandMetadata } from '../command/command-metadata';
import type { Actor, Evidence, LessonClaim, Support } from '@reverie/contracts';

export type LessonCommandMetadata = CommandMetadata;

interface Command<T extends string, D> {
  type: T;
  data: D;
  metadata: LessonCommandMetadata;
}

export type ProposeLesson = Command<'ProposeLesson', LessonClaim & { dreamId: string }>;
export type AddLessonEvidence = Command<
  'AddLessonEvidence',
  { dreamId: string; support: Support; evidence: Evidence; confidence: number }
>;
/**
 * The reviewer is the command's actor (`metadata.actor.id`). `requiredApprovals` is the tenant's
 * policy (default 1): that many distinct approvers, none of them a proposer or a source of the
 * evidence, before the lesson is approved.
 */
export type ApproveLesson = Command<'ApproveLesson', { note?: string; requiredApprovals?: number }>;
export type RejectLesson = Command<'RejectLesson', { reason: string }>;
export type ReopenLesson = Command<
  'ReopenLesson',
  {
    dreamId: string;
    reason: string;
    /**
     * A rejected lesson comes back only when its support (sessions) reached this factor times the
     * support it had when rejected. Default REOPEN_SUPPORT_FACTOR. Reviewers reopen regardless,
     * and only reviewers may reopen a retired lesson (the rule: `mayReopen`).
     */
    supportGrowthFactor?: number;
  }
>;
export type RetireLesson = Command<'RetireLesson', { reason: string }>;

export type LessonCommand =
  | ProposeLesson
  | AddLessonEvidence
  | ApproveLesson
  | RejectLesson
  | ReopenLesson
  | RetireLesson;
export type LessonCommandType = LessonCommand['type'];

export const REOPEN_SUPPORT_FACTOR = 2;
/** The most distinct approvers a tenant policy may require. */
export const MAX_REQUIRED_APPROVALS = 10;
/** Actor kinds allowed to approve or reject: people, never agents or services. */
export const REVIEWER_KINDS: ReadonlyArray<Actor['kind']> = ['reviewer', 'user'];

import type { LessonStatus } from '@reverie/contracts';
import { REOPEN_SUPPORT_FACTOR } from './lesson.commands';
import type { LessonDomainErrorCode } from './lesson-domain.error';

/** What the reopening rule needs to know about an existing lesson. */
export type ReopenQuestion =
  | {
      status: 'rejected';
      /** Support (sessions) now, the evidence that comes with the reopening counted. */
      supportSessions: number;
      /** Support (sessions) the lesson had when it was rejected. */
      supportAtRejection: number;
    }
  | { status: Exclude<LessonStatus, 'rejected'>; supportSessions: number };

export interface ReopenAsker {
  /** A person (REVIEWER_KINDS), not a service or an agent. */
  byReviewer: boolean;
  /** Needed support growth for a rejected lesson; default REOPEN_SUPPORT_FACTOR. */
  factor?: number;
}

export type ReopenVerdict =
  | { reopen: true }
  | { reopen: false; code: Extract<LessonDomainErrorCode, 'not-rejected' | 'insufficient-support-growth'>; reason: string };

/**
 * The one rule for bringing a closed lesson back to review, asked by the lesson decider (ReopenLesson)
 * and by dreaming's dedup (whether a pattern that matches a closed lesson is proposed again):
 * - only a rejected, retired, expired or rolled-back lesson can be reopened;
 * - a retired, expired or rolled-back lesson comes back only by a person's decision;
 * - a reviewer reopens a rejected lesson whatever its support;
 * - anyone else only once its support reached `factor` × its support at rejection
 *   (`ceil(factor × supportAtRejection)` sessions).
 */
export function mayReopen(lesson: ReopenQuestion, asker: ReopenAsker): ReopenVerdict {
  if (lesson.status === 'retired' || lesson.status === 'expired' || lesson.status === 'rolled-back') {
    return asker.byReviewer ? { reopen: true } : { reopen: false, code: 'not-rejected', reason: `only a reviewer may reopen a ${lesson.status} lesson` };
  }
  if (lesson.status !== 'rejected') {
    return { reopen: false, code: 'not-rejected', reason: `only a rejected, retired, expired or rolled-back lesson can be reopened (status ${lesson.status})` };
  }
  if (asker.byReviewer) return { reopen: true };
  const factor = asker.factor ?? REOPEN_SUPPORT_FACTOR;
  const needed = Math.ceil(lesson.supportAtRejection * factor);
  if (lesson.supportSessions < needed) {
    return {
      reopen: false,
      code: 'insufficient-support-growth',
      reason: `support is ${lesson.supportSessions} sessions; reopening needs ${needed} (${factor} x ${lesson.supportAtRejection} at rejection)`,
    };
  }
  return { reopen: true };
}

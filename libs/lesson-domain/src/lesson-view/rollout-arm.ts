import { createHash } from 'node:crypto';

/**
 * Which arm of a lesson's canary a subject (a session, else an agent) is in: a stable hash of the
 * lesson and the subject, so the same session always gets the same answer and each lesson draws
 * its own share (not the same sessions for every canary).
 */
export function rolloutArm(lessonId: string, subject: string, share: number): 'canary' | 'control' {
  const h = createHash('sha256').update(`${lessonId}\u0000${subject}`).digest();
  return h.readUInt32BE(0) / 0x1_0000_0000 < share ? 'canary' : 'control';
}

/**
 * What one request gets of a live version: `served`; `withheld` (the control arm: a canary this
 * subject was not drawn for, or an active lesson held out of a `holdout` share of sessions, a draw
 * of its own so that it does not pick the canary's sessions); or `expired` (its review-by date, as
 * ms, passed: nobody is served it). Efficacy compares the served arm with the withheld one.
 */
export function servingArm(lessonId: string, live: { stage: 'canary' | 'active'; share?: number; reviewByMs: number }, subject: string, nowMs: number, holdout = 0): 'served' | 'withheld' | 'expired' {
  if (live.reviewByMs <= nowMs) return 'expired';
  if (live.stage === 'canary' && rolloutArm(lessonId, subject, live.share ?? 0) !== 'canary') return 'withheld';
  if (live.stage === 'active' && holdout > 0 && rolloutArm(lessonId, `holdout\u0000${subject}`, holdout) === 'canary') return 'withheld';
  return 'served';
}

/** A live version's review-by date as ms (never, when it has none). */
export const reviewByMs = (live: { reviewBy?: string }): number => (live.reviewBy ? Date.parse(live.reviewBy) : Number.POSITIVE_INFINITY);

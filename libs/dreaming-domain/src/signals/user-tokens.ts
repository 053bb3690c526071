import type { SessionSignals } from './session-signals.model';

/** Every user id a session's signals hold (the session's user, and whoever corrected, rejected or rated). */
export function userIdsIn(s: SessionSignals): string[] {
  const ids = new Set<string>();
  if (s.userId) ids.add(s.userId);
  for (const x of [...s.corrections, ...s.rejections, ...s.feedback]) if (x.userId) ids.add(x.userId);
  return [...ids];
}

/**
 * The signals with every user id replaced by its token (content-crypto's user tokens): what
 * dreaming stores and what lessons' support names users by, so erasing a user (shredding their
 * token key) leaves nothing derived that can be linked back to them. Distinct users still count:
 * one user has one token.
 */
export function withUserTokens(s: SessionSignals, tokenOf: (userId: string) => string | undefined): SessionSignals {
  const map = (u: string | undefined) => (u === undefined ? undefined : tokenOf(u) ?? u);
  const each = <T extends { userId?: string }>(xs: T[]) => xs.map((x) => (x.userId ? { ...x, userId: map(x.userId) } : x));
  return {
    ...s,
    ...(s.userId !== undefined && { userId: map(s.userId) }),
    corrections: each(s.corrections),
    rejections: each(s.rejections),
    feedback: each(s.feedback),
  };
}

import type { SessionSignals } from '../signals/session-signals.model';

/**
 * Steps the user made rather than the agent (τ²-bench's simulated user acting on their phone):
 * those the user made in most of the runs that have them. They are steps the agent asks for,
 * never the agent's own action.
 */
export function userStepsOf(runs: readonly SessionSignals[]): Set<string> {
  const byUser = new Map<string, number>();
  const all = new Map<string, number>();
  for (const s of runs) {
    const user = new Set(s.userCalls ?? []);
    const mine = new Set<string>();
    const theirs = new Set<string>();
    s.toolSequence.forEach((step, i) => (user.has(i) ? theirs : mine).add(step));
    for (const step of new Set([...mine, ...theirs])) all.set(step, (all.get(step) ?? 0) + 1);
    for (const step of theirs) if (!mine.has(step)) byUser.set(step, (byUser.get(step) ?? 0) + 1);
  }
  return new Set([...byUser].filter(([step, n]) => n * 2 > (all.get(step) ?? 0)).map(([step]) => step));
}

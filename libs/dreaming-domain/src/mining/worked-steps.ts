import type { SessionSignals } from '../signals/session-signals.model';

/**
 * Each step the session ran successfully without the user objecting (a failed call, or one the
 * user rejected, interrupted or corrected, is not part of what worked), with the index of its
 * first such run. Alternative steps (`find_user_id_by_email | find_user_id_by_name_zip`) count as one.
 */
export function workedSteps(s: SessionSignals, alternatives: ReadonlyMap<string, string>): Map<string, number> {
  const failed = new Set(s.failedCalls ?? []);
  const objected = new Set(s.objectedCalls ?? []);
  const out = new Map<string, number>();
  s.toolSequence.forEach((raw, i) => {
    const step = alternatives.get(raw) ?? raw;
    if (!failed.has(i) && !objected.has(i) && !out.has(step)) out.set(step, i);
  });
  return out;
}

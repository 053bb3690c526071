/**
 * Confidence of a candidate, in [0, 1]:
 *
 *   confidence = wilsonLower(hits, trials) × saturation(sessions, minSessions) × saturation(users, minUsers)
 *
 * - wilsonLower: the lower bound of the 95% Wilson score interval of the pattern's consistency
 *   (how often the error follows the step, how often the failure follows the feature, how often
 *   the workflow succeeds; for preferences, sessions/sessions, since contradicted clusters are
 *   never proposed: the bound then only reflects the sample size);
 * - saturation(n, m) = 1 − 2^(−n/m): 0.5 at the threshold, 0.75 at twice it, → 1 with more support.
 * Rounded to 3 decimals so that it is stable across platforms.
 */
export function wilsonLower(hits: number, trials: number, z = 1.96): number {
  if (trials <= 0) return 0;
  const p = hits / trials;
  const z2 = z * z;
  const centre = p + z2 / (2 * trials);
  const margin = z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  return Math.max(0, (centre - margin) / (1 + z2 / trials));
}

export function saturation(n: number, threshold: number): number {
  return 1 - Math.pow(2, -n / Math.max(1, threshold));
}

export function confidenceOf(input: { hits: number; trials: number; sessions: number; minSessions: number; users: number; minUsers: number }): number {
  const c = wilsonLower(input.hits, input.trials) * saturation(input.sessions, input.minSessions) * saturation(input.users, input.minUsers);
  return Math.round(c * 1000) / 1000;
}

/** log odds ratio with the Haldane-Anscombe 0.5 correction. */
export function logOddsRatio(a: number, b: number, c: number, d: number): number {
  return Math.round(Math.log(((a + 0.5) * (d + 0.5)) / ((b + 0.5) * (c + 0.5))) * 1000) / 1000;
}

export const round3 = (x: number) => Math.round(x * 1000) / 1000;

import { fisherGreater } from '../stats/fisher.stats';

/** Sessions of one arm of a lesson: how many, in how many its pattern recurred, how many failed. */
export interface ArmCounts { sessions: number; recurred: number; failed: number }

export type EfficacyVerdict = 'measuring' | 'helps' | 'no-effect' | 'harms';

export interface EfficacyRules {
  /** One-sided significance for "helps" (strict: a lesson kept on a fluke costs little, but claims should hold). */
  alphaHelps: number;
  /** One-sided significance for "harms" (looser: a harmful lesson should be caught early; it is reviewed, not silently dropped). */
  alphaHarms: number;
  /**
   * What an automatic rollback (where the tenant's policy asks for one) needs beyond a `harms`
   * verdict: this much stronger evidence, on at least `minControl` sessions each side. A verdict is
   * recomputed as sessions arrive; one fluke among many looks must not withdraw a useful lesson.
   */
  alphaRollback: number;
  /** Sessions each arm needs before any verdict (a verdict is recomputed as sessions arrive: early looks on a handful of sessions are flukes). */
  minToJudge: number;
  /** Sessions each arm needs before "no effect" can be said. */
  minServed: number;
  minControl: number;
}

export const DEFAULT_EFFICACY_RULES: EfficacyRules = { alphaHelps: 0.01, alphaHarms: 0.02, alphaRollback: 0.001, minToJudge: 20, minServed: 30, minControl: 30 };

export interface Efficacy {
  served: ArmCounts;
  /** Sessions not served it: the canary's control arm and the randomized holdout. */
  control: ArmCounts;
  /** How much less often the pattern recurs when served (control rate − served rate), with its 95% interval. */
  effect: number;
  interval: [number, number];
  /** One-sided p of "recurs less when served", and of "coincides with more failures when served". */
  pHelps: number;
  pHarms: number;
  verdict: EfficacyVerdict;
  /** Harmful beyond doubt: what a tenant's automatic rollback acts on. */
  rollBack: boolean;
}

/** Wilson score interval of a proportion. */
export function wilsonInterval(hits: number, trials: number, z = 1.96): [number, number] {
  if (trials <= 0) return [0, 1];
  const p = hits / trials;
  const z2 = z * z;
  const centre = p + z2 / (2 * trials);
  const margin = z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  const denom = 1 + z2 / trials;
  return [Math.max(0, (centre - margin) / denom), Math.min(1, (centre + margin) / denom)];
}

/** Newcombe's hybrid score interval for the difference of two proportions (a − b). */
function differenceInterval(aHits: number, aN: number, bHits: number, bN: number): [number, number] {
  const [al, au] = wilsonInterval(aHits, aN);
  const [bl, bu] = wilsonInterval(bHits, bN);
  const pa = aN ? aHits / aN : 0;
  const pb = bN ? bHits / bN : 0;
  const d = pa - pb;
  return [d - Math.sqrt((pa - al) ** 2 + (bu - pb) ** 2), d + Math.sqrt((au - pa) ** 2 + (pb - bl) ** 2)];
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;

/**
 * Does a lesson change what agents do? Its pattern's recurrence in sessions served it against
 * sessions of the same agents that were not (the control arm), with Fisher's exact test one-sided
 * each way: `helps` when it recurs less when served; `harms` when served sessions fail more;
 * `no-effect` once both arms have enough sessions and neither holds; `measuring` until then.
 * (A second "harms" test, on the pattern recurring more, was measured in bench/efficacy: it
 * doubled false alarms on useless lessons and caught no harmful one the failure test missed.)
 */
export function efficacyOf(served: ArmCounts, control: ArmCounts, rules: EfficacyRules = DEFAULT_EFFICACY_RULES): Efficacy {
  for (const [name, arm] of [['served', served], ['control', control]] as const) {
    if (![arm.sessions, arm.recurred, arm.failed].every((v) => Number.isInteger(v) && v >= 0) || arm.recurred > arm.sessions || arm.failed > arm.sessions) {
      throw new Error(`efficacyOf: the ${name} arm is not counts of sessions: ${JSON.stringify(arm)}`);
    }
  }
  const table = (a: number, an: number, b: number, bn: number) => fisherGreater(a, an - a, b, bn - b);
  const measurable = served.sessions > 0 && control.sessions > 0;
  const judged = served.sessions >= rules.minToJudge && control.sessions >= rules.minToJudge;
  const pHelps = measurable ? table(control.recurred, control.sessions, served.recurred, served.sessions) : 1;
  const pHarms = measurable ? table(served.failed, served.sessions, control.failed, control.sessions) : 1;
  const effect = (control.sessions ? control.recurred / control.sessions : 0) - (served.sessions ? served.recurred / served.sessions : 0);
  const [lo, hi] = differenceInterval(control.recurred, control.sessions, served.recurred, served.sessions);
  const verdict: EfficacyVerdict = !judged ? 'measuring'
    : pHarms < rules.alphaHarms ? 'harms'
    : pHelps < rules.alphaHelps ? 'helps'
      : served.sessions >= rules.minServed && control.sessions >= rules.minControl ? 'no-effect'
        : 'measuring';
  const rollBack = verdict === 'harms' && pHarms < rules.alphaRollback && served.sessions >= rules.minServed && control.sessions >= rules.minControl;
  return { served, control, effect: round(effect), interval: [round(lo), round(hi)], pHelps: round(pHelps), pHarms: round(pHarms), verdict, rollBack };
}

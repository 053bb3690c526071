import type { SessionSignals } from '../signals/session-signals.model';
import { describeStep } from '../signals/step-key';
import { rootOf } from './evidence';
import { changesState } from './step-effects';

/** Sessions (independent conversations) in which one step replaced the other after it failed. */
const MIN_FALLBACKS = 2;
/** How a group of alternative steps is written as one step: `find_user_id_by_email | find_user_id_by_name_zip`. */
export const ALTERNATIVE_SEPARATOR = ' | ';

/** `find_user_id_by_email` → `find`, `Bash(go build)` → `go`: the verb or program a step starts with. */
function leadWord(step: string): string {
  return describeStep(step).toLowerCase().split(/[\s_.:-]+|(?<=[a-z])(?=[A-Z])/)[0] ?? '';
}

/** A step that only looks something up or checks something (no state change): one way of learning a fact. */
const isLookup = (step: string) => !changesState(step);

/** Indexes of the calls that ran without error and without the user objecting. */
function workedCalls(s: SessionSignals): boolean[] {
  const failed = new Set(s.failedCalls ?? []);
  const objected = new Set(s.objectedCalls ?? []);
  return s.toolSequence.map((_, i) => !failed.has(i) && !objected.has(i));
}

/**
 * Steps that are alternative ways of doing the same thing (`find_user_id_by_email` and
 * `find_user_id_by_name_zip`: the user found by e-mail, or by name and zip code), so that a
 * workflow counts the runs that took either as having done that step. Two lookups of one tool
 * family (same lead word, both without side effects) are alternatives when, in at least
 * `MIN_FALLBACKS` conversations, one failed and the other, run right after, worked and replaced it
 * (the failed one was not run successfully later), and they are not otherwise run side by side
 * (sessions where both worked without such a fallback are fewer than the fallbacks): a step that
 * merely came next, or the prerequisite after which the failed step was run again, is not one.
 *
 * Returns each member step → its group (members sorted, joined by `ALTERNATIVE_SEPARATOR`); steps
 * without an alternative are absent.
 */
export function stepAlternatives(sessions: readonly SessionSignals[]): Map<string, string> {
  const fallbacks = new Map<string, Set<string>>();
  const fellBack = new Map<string, Set<string>>();
  const pairKey = (a: string, b: string) => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);
  for (const s of sessions) {
    const worked = workedCalls(s);
    const seq = s.toolSequence;
    for (const i of s.failedCalls ?? []) {
      const a = seq[i];
      const b = seq[i + 1];
      if (b === undefined || b === a || !worked[i + 1] || leadWord(a) === '' || leadWord(a) !== leadWord(b) || !isLookup(a) || !isLookup(b)) continue;
      if (seq.some((x, j) => j > i + 1 && x === a && worked[j])) continue;
      const key = pairKey(a, b);
      (fallbacks.get(key) ?? fallbacks.set(key, new Set()).get(key) as Set<string>).add(rootOf(s));
      (fellBack.get(key) ?? fellBack.set(key, new Set()).get(key) as Set<string>).add(s.sessionId);
    }
  }
  const pairs: Array<[string, string]> = [];
  for (const [key, roots] of fallbacks) {
    if (roots.size < MIN_FALLBACKS) continue;
    const [a, b] = key.split('\u0000');
    const fellBackIn = fellBack.get(key) as Set<string>;
    let sideBySide = 0;
    for (const s of sessions) {
      if (fellBackIn.has(s.sessionId)) continue;
      const worked = workedCalls(s);
      if (s.toolSequence.some((x, i) => x === a && worked[i]) && s.toolSequence.some((x, i) => x === b && worked[i])) sideBySide++;
    }
    if (sideBySide < roots.size) pairs.push([a, b]);
  }
  // Groups: the connected components of the pairs.
  const parent = new Map<string, string>();
  const find = (x: string): string => { let r = x; while (parent.get(r) !== r) r = parent.get(r) as string; return r; };
  for (const [a, b] of pairs) {
    for (const x of [a, b]) if (!parent.has(x)) parent.set(x, x);
    const ra = find(a); const rb = find(b);
    if (ra !== rb) parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
  }
  const members = new Map<string, string[]>();
  for (const x of parent.keys()) { const r = find(x); members.set(r, [...(members.get(r) ?? []), x]); }
  const out = new Map<string, string>();
  for (const list of members.values()) {
    const group = [...list].sort().join(ALTERNATIVE_SEPARATOR);
    for (const x of list) out.set(x, group);
  }
  return out;
}

/** The members of a step that may be a group of alternatives (`a | b` → [`a`, `b`]). */
export function alternativesOf(step: string): string[] {
  return step.split(ALTERNATIVE_SEPARATOR);
}

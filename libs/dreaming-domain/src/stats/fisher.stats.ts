/**
 * Fisher's exact test on a 2x2 table, in log space so that tables of 50k sessions neither
 * overflow nor lose precision.
 *
 *              failed  succeeded
 *   feature       a        b
 *   no feature    c        d
 */
const logFactorials: number[] = [0];

export function logFactorial(n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new Error(`logFactorial: n must be a non-negative integer, got ${n}`);
  for (let i = logFactorials.length; i <= n; i++) logFactorials[i] = logFactorials[i - 1] + Math.log(i);
  return logFactorials[n];
}

/** log P(table) under the hypergeometric distribution with the table's margins. */
function logHypergeometric(a: number, b: number, c: number, d: number): number {
  const n = a + b + c + d;
  return logFactorial(a + b) + logFactorial(c + d) + logFactorial(a + c) + logFactorial(b + d)
    - logFactorial(n) - logFactorial(a) - logFactorial(b) - logFactorial(c) - logFactorial(d);
}

function check(a: number, b: number, c: number, d: number): void {
  for (const [k, v] of Object.entries({ a, b, c, d })) {
    if (!Number.isInteger(v) || v < 0) throw new Error(`fisherExact: cell ${k} must be a non-negative integer, got ${v}`);
  }
}

export interface FisherResult {
  /** P(X >= a): the feature is over-represented among failures. */
  greater: number;
  /** P(X <= a) */
  less: number;
  /** Sum of the probabilities of all tables no more likely than the observed one (R's definition). */
  twoSided: number;
}

/** The table's margins and the range of the top-left cell they allow. */
function margins(a: number, b: number, c: number, d: number) {
  check(a, b, c, d);
  const row1 = a + b;
  const col1 = a + c;
  const n = a + b + c + d;
  return { row1, col1, n, lo: Math.max(0, row1 + col1 - n), hi: Math.min(row1, col1) };
}

export function fisherExact(a: number, b: number, c: number, d: number): FisherResult {
  const { row1, col1, n, lo, hi } = margins(a, b, c, d);
  const logObserved = logHypergeometric(a, b, c, d);
  let greater = 0;
  let less = 0;
  let two = 0;
  for (let x = lo; x <= hi; x++) {
    const lp = logHypergeometric(x, row1 - x, col1 - x, n - row1 - col1 + x);
    const p = Math.exp(lp);
    if (x >= a) greater += p;
    if (x <= a) less += p;
    if (lp <= logObserved + 1e-7) two += p;
  }
  const clamp = (p: number) => Math.min(1, Math.max(0, p));
  return { greater: clamp(greater), less: clamp(less), twoSided: clamp(two) };
}

/** Benjamini-Hochberg adjusted p-values (same order as the input). */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => [p, i] as const).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const adjusted = new Array<number>(m);
  let running = 1;
  for (let k = m - 1; k >= 0; k--) {
    const [p, i] = order[k];
    running = Math.min(running, (p * m) / (k + 1));
    adjusted[i] = running;
  }
  return adjusted;
}

/**
 * P(X >= a) alone, summing only the tail that matters and stopping once the terms are negligible
 * (the hypergeometric is unimodal): what the miners need, in O(terms that count) instead of
 * O(min(row, column)) per table.
 */
export function fisherGreater(a: number, b: number, c: number, d: number): number {
  const { row1, col1, n, lo, hi } = margins(a, b, c, d);
  const mode = Math.floor(((row1 + 1) * (col1 + 1)) / (n + 2));
  const term = (x: number) => Math.exp(logHypergeometric(x, row1 - x, col1 - x, n - row1 - col1 + x));
  const EPS = 1e-17;
  if (a > mode) {
    let sum = 0;
    for (let x = a; x <= hi; x++) {
      const p = term(x);
      sum += p;
      if (p < sum * EPS) break;
    }
    return Math.min(1, sum);
  }
  // a at or below the mode: P(X >= a) = 1 - P(X < a), and the lower tail decreases away from a.
  let lower = 0;
  for (let x = a - 1; x >= lo; x--) {
    const p = term(x);
    lower += p;
    if (p < Math.max(lower, 1e-300) * EPS) break;
  }
  return Math.min(1, Math.max(0, 1 - lower));
}

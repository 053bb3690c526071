import { fnv1a } from '../text/hash';
import { jaccard } from '../text/tokens';

/**
 * Near-duplicate clustering of token sets: MinHash signatures banded into LSH buckets propose
 * pairs, the exact Jaccard similarity confirms them, union-find joins them. Within a bucket each
 * member is compared with the bucket's first member and with its predecessor, which keeps the
 * cost linear when a bucket is large. Deterministic: hashes are seeded constants and items are
 * processed in input order.
 */
const BANDS = 10;
const ROWS = 3;
const HASHES = BANDS * ROWS;
const SEEDS = Array.from({ length: HASHES }, (_, i) => fnv1a(`minhash-${i}`));

function signature(tokens: readonly string[]): Uint32Array {
  const sig = new Uint32Array(HASHES).fill(0xffffffff);
  for (const t of tokens) {
    for (let i = 0; i < HASHES; i++) {
      const h = fnv1a(t, SEEDS[i]);
      if (h < sig[i]) sig[i] = h;
    }
  }
  return sig;
}

class UnionFind {
  private readonly parent: Int32Array;
  constructor(n: number) { this.parent = Int32Array.from({ length: n }, (_, i) => i); }
  find(x: number): number {
    while (this.parent[x] !== x) { this.parent[x] = this.parent[this.parent[x]]; x = this.parent[x]; }
    return x;
  }
  union(a: number, b: number): void {
    const ra = this.find(a); const rb = this.find(b);
    if (ra !== rb) this.parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
}

/** Clusters (lists of item indexes, ascending; clusters ordered by their first index). */
export function clusterBySimilarity(items: ReadonlyArray<readonly string[]>, threshold: number): number[][] {
  const uf = new UnionFind(items.length);
  // Identical token sets join directly, without hashing twice.
  const exact = new Map<string, number>();
  const reps: number[] = [];
  items.forEach((tokens, i) => {
    const key = [...tokens].sort().join(' ');
    const first = exact.get(key);
    if (first === undefined) { exact.set(key, i); reps.push(i); } else uf.union(first, i);
  });
  const buckets = new Map<string, number[]>();
  for (const i of reps) {
    if (items[i].length === 0) continue;
    const sig = signature(items[i]);
    for (let b = 0; b < BANDS; b++) {
      const key = `${b}:${sig[b * ROWS]}:${sig[b * ROWS + 1]}:${sig[b * ROWS + 2]}`;
      const list = buckets.get(key);
      if (list) list.push(i); else buckets.set(key, [i]);
    }
  }
  for (const list of buckets.values()) {
    for (let k = 1; k < list.length; k++) {
      const i = list[k];
      if (uf.find(i) !== uf.find(list[0]) && jaccard(items[i], items[list[0]]) >= threshold) uf.union(i, list[0]);
      if (k > 1 && uf.find(i) !== uf.find(list[k - 1]) && jaccard(items[i], items[list[k - 1]]) >= threshold) uf.union(i, list[k - 1]);
    }
  }
  const groups = new Map<number, number[]>();
  for (let i = 0; i < items.length; i++) {
    const r = uf.find(i);
    const g = groups.get(r);
    if (g) g.push(i); else groups.set(r, [i]);
  }
  return [...groups.values()].sort((a, b) => a[0] - b[0]);
}

/** Tokens present in at least `share` of the token sets, sorted: a stable name for a cluster. */
export function coreTokens(sets: ReadonlyArray<readonly string[]>, share = 0.5): string[] {
  const df = new Map<string, number>();
  for (const s of sets) for (const t of new Set(s)) df.set(t, (df.get(t) ?? 0) + 1);
  return [...df].filter(([, n]) => n >= share * sets.length).map(([t]) => t).sort();
}

/**
 * Splits a single-linkage cluster around its centroids so that chains (A~B, B~C, A≁C) and hubs
 * (a short statement similar to many different long ones) do not merge unrelated items: the
 * heaviest remaining item leads, every item within `threshold` of it joins, repeat.
 */
export function splitAroundCentroids(members: readonly number[], tokensOf: (i: number) => readonly string[], weightOf: (i: number) => number, threshold: number): number[][] {
  let rest = [...members];
  const out: number[][] = [];
  while (rest.length) {
    let lead = rest[0];
    for (const i of rest) if (weightOf(i) > weightOf(lead)) lead = i;
    const joined = rest.filter((i) => i === lead || jaccard(tokensOf(i), tokensOf(lead)) >= threshold);
    out.push(joined);
    const taken = new Set(joined);
    rest = rest.filter((i) => !taken.has(i));
  }
  return out;
}

import { fnv1a } from '../text/hash';
import { jaccard } from '../text/tokens';

/** Jaccard of two sorted, duplicate-free arrays (two-pointer merge, no allocation). */
function sortedJaccard(a: readonly string[], b: readonly string[]): number {
  let i = 0, j = 0, inter = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) { inter++; i++; j++; } else if (a[i] < b[j]) i++; else j++;
  }
  const union = a.length + b.length - inter;
  return union === 0 ? 1 : inter / union;
}

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

/** A 32-bit integer mix (murmur3 finalizer): one string hash per token, then cheap re-hashing per seed. */
function mix(h: number): number {
  h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function signature(tokens: readonly string[]): Uint32Array {
  const sig = new Uint32Array(HASHES).fill(0xffffffff);
  for (const t of tokens) {
    const base = fnv1a(t);
    for (let i = 0; i < HASHES; i++) {
      const h = mix(base ^ SEEDS[i]);
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
  const sorted = items.map((tokens) => [...new Set(tokens)].sort());
  sorted.forEach((tokens, i) => {
    const key = tokens.join(' ');
    const first = exact.get(key);
    if (first === undefined) { exact.set(key, i); reps.push(i); } else uf.union(first, i);
  });
  // Bucket keys are 32-bit hashes of (band, rows): a collision only proposes a pair that the
  // exact Jaccard check then refuses.
  const buckets = new Map<number, number[]>();
  for (const i of reps) {
    if (items[i].length === 0) continue;
    const sig = signature(sorted[i]);
    for (let b = 0; b < BANDS; b++) {
      let key = mix(b + 0x9e3779b9);
      for (let r = 0; r < ROWS; r++) key = mix(key ^ sig[b * ROWS + r]);
      const list = buckets.get(key);
      if (list) list.push(i); else buckets.set(key, [i]);
    }
  }
  for (const list of buckets.values()) {
    for (let k = 1; k < list.length; k++) {
      const i = list[k];
      if (uf.find(i) !== uf.find(list[0]) && sortedJaccard(sorted[i], sorted[list[0]]) >= threshold) uf.union(i, list[0]);
      if (k > 1 && uf.find(i) !== uf.find(list[k - 1]) && sortedJaccard(sorted[i], sorted[list[k - 1]]) >= threshold) uf.union(i, list[k - 1]);
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

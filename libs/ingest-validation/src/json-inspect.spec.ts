import { inspectJson } from './json-inspect';

/** mulberry32, so a failing case can be replayed from its seed. */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = ['a', 'Z', ' ', '"', '\\', '\n', '\t', '\b', '\f', '\r', '\u0001', '\u001f', '\u007f', 'é', '€', '\u2028', '😀', '\uFFFF', '/', '<'];

function randomString(r: () => number): string {
  let s = '';
  for (let i = 0, n = Math.floor(r() * 12); i < n; i++) s += ALPHABET[Math.floor(r() * ALPHABET.length)];
  return s;
}

function randomJson(r: () => number, depth = 0): unknown {
  const k = Math.floor(r() * (depth > 4 ? 5 : 8));
  switch (k) {
    case 0: return randomString(r);
    case 1: return [0, -0, 1.5, -2e-7, 1e21, 123456789, Number.MAX_VALUE, -1e-300][Math.floor(r() * 8)];
    case 2: return r() < 0.5;
    case 3: return null;
    case 4: return 'plain ascii text';
    case 5: return Array.from({ length: Math.floor(r() * 4) }, () => randomJson(r, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = 0, n = Math.floor(r() * 4); i < n; i++) o[randomString(r)] = r() < 0.15 ? undefined : randomJson(r, depth + 1);
      return o;
    }
  }
}

describe('inspectJson', () => {
  it('measures exactly the UTF-8 bytes of JSON.stringify, escapes, astral characters and omitted undefined members included', () => {
    const r = prng(42);
    for (let n = 0; n < 5000; n++) {
      const value = randomJson(r);
      const result = inspectJson(value, 32);
      expect(result).toEqual({ bytes: Buffer.byteLength(JSON.stringify(value), 'utf8') });
    }
  });

  it('reports the problem with its path instead of a size', () => {
    expect(inspectJson({ data: { items: [1, 'ok', '\uD800x'] } }, 32)).toEqual({
      problem: { path: 'data.items[2]', reason: 'contains a lone UTF-16 surrogate (not valid Unicode text)' },
    });
    expect(inspectJson({ 'a b': { c: NaN } }, 32)).toEqual({ problem: { path: '["a b"].c', reason: 'NaN is not a JSON number' } });
    expect(inspectJson({ x: { 'k\u0000': 1 } }, 32)).toEqual({ problem: { path: 'x', reason: 'a key contains a NUL character (U+0000), which cannot be stored' } });
    expect(inspectJson('\u0000', 32)).toEqual({ problem: { path: '(event)', reason: 'contains a NUL character (U+0000), which cannot be stored' } });
    expect(inspectJson({ a: [undefined] }, 32)).toEqual({ problem: { path: 'a[0]', reason: 'undefined is not a JSON value' } });
  });
});

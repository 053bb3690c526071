/**
 * Nesting depth of a JSON-like value (`1` is 0, `{}` and `[]` are 1, `{a: []}` is 2), computed
 * without recursion. Stops as soon as the depth passes `limit` and returns `limit + 1`, so deep
 * or cyclic values cost at most `limit` levels.
 */
export function depthOf(value: unknown, limit: number): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 1]];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const [v, d] = top;
    if (v === null || typeof v !== 'object') continue;
    if (d > limit) return limit + 1;
    if (d > max) max = d;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (child !== null && typeof child === 'object') stack.push([child, d + 1]);
    }
  }
  return max;
}

export interface JsonProblem { path: string; reason: string }

/** Printable ASCII other than `"` and `\\`: such a string is its own JSON text between two quotes. */
const PLAIN_ASCII = /^[\u0020\u0021\u0023-\u005b\u005d-\u007e]*$/;
const SHORT_ESCAPES = new Set([0x08, 0x09, 0x0a, 0x0c, 0x0d, 0x22, 0x5c]);

const joinPath = (path: string, key: string | number) =>
  typeof key === 'number' ? `${path}[${key}]` : /^[A-Za-z_$][\w$]*$/.test(key) ? (path ? `${path}.${key}` : key) : `${path}[${JSON.stringify(key)}]`;

interface Walk {
  maxDepth: number;
  /** Set with the first problem found; `at` collects the path from the problem up to the root. */
  reason?: string;
  at: (string | number)[];
}

const fail = (w: Walk, reason: string): number => {
  w.reason = reason;
  return -1;
};

/**
 * UTF-8 bytes of `s` as a JSON string (quotes and escapes included), exactly as JSON.stringify
 * writes it; -1 with the reason in `w` for a lone surrogate or a NUL character.
 */
function stringBytes(s: string, w: Walk, what = ''): number {
  if (PLAIN_ASCII.test(s)) return s.length + 2;
  let bytes = 2;
  let loneSurrogate = false;
  let nul = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      if (c === 0) nul = true;
      bytes += c < 0x20 ? (SHORT_ESCAPES.has(c) ? 2 : 6) : SHORT_ESCAPES.has(c) ? 2 : 1;
    } else if (c < 0x800) {
      bytes += 2;
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      loneSurrogate = true;
    } else {
      bytes += 3;
    }
  }
  if (loneSurrogate) return fail(w, `${what}contains a lone UTF-16 surrogate (not valid Unicode text)`);
  if (nul) return fail(w, `${what}contains a NUL character (U+0000), which cannot be stored`);
  return bytes;
}

/** JSON bytes of `v` (0 for an object member that is undefined, which JSON omits), or -1 on a problem. */
function walk(v: unknown, depth: number, inArray: boolean, w: Walk): number {
  switch (typeof v) {
    case 'string':
      return stringBytes(v, w);
    case 'number':
      return Number.isFinite(v) ? String(v).length : fail(w, `${v} is not a JSON number`);
    case 'boolean':
      return v ? 4 : 5;
    case 'undefined':
      // An object property set to undefined is absent in JSON (optional fields built in code); in an array it is not.
      return inArray ? fail(w, 'undefined is not a JSON value') : 0;
    case 'object':
      break;
    default:
      return fail(w, `${typeof v} is not a JSON value`);
  }
  if (v === null) return 4;
  if (depth + 1 > w.maxDepth) return fail(w, `nesting depth exceeds the limit of ${w.maxDepth} levels (reached ${depth + 1})`);
  if (Array.isArray(v)) {
    let bytes = v.length > 0 ? v.length + 1 : 2;
    for (let i = 0; i < v.length; i++) {
      const b = walk(v[i], depth + 1, true, w);
      if (b < 0) {
        w.at.push(i);
        return -1;
      }
      bytes += b;
    }
    return bytes;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return fail(w, `${proto?.constructor?.name ?? 'object'} is not a plain JSON object`);
  const keys = Object.keys(v);
  // Every key of an object is checked before any of its values (the last bad key is the one reported).
  for (let i = keys.length - 1; i >= 0; i--) {
    const key = keys[i];
    if (key === '__proto__') {
      w.at.push(key);
      return fail(w, "the key '__proto__' is not allowed");
    }
    if (!PLAIN_ASCII.test(key) && stringBytes(key, w, 'a key ') < 0) return -1;
  }
  let bytes = 2;
  let members = 0;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const value = (v as Record<string, unknown>)[key];
    const b = walk(value, depth + 1, false, w);
    if (b < 0) {
      w.at.push(key);
      return -1;
    }
    if (value === undefined) continue;
    bytes += stringBytes(key, w) + 1 + b;
    members++;
  }
  return members > 1 ? bytes + members - 1 : bytes;
}

/**
 * One pass over a parsed JSON value: the first thing in it that is not plain, storable JSON
 * (nesting deeper than `maxDepth`, non-finite numbers, undefined array items, functions, symbols,
 * bigints, non-plain objects such as Date, Map or class instances, a `__proto__` key, strings with
 * lone surrogates or NUL characters), or else its size: the UTF-8 bytes of `JSON.stringify(value)`,
 * computed without building that string. Recursion is bounded by `maxDepth`.
 */
export function inspectJson(value: unknown, maxDepth: number): { problem: JsonProblem } | { problem?: undefined; bytes: number } {
  const w: Walk = { maxDepth, at: [] };
  const bytes = walk(value, 0, false, w);
  if (bytes >= 0) return { bytes };
  let path = '';
  for (let i = w.at.length - 1; i >= 0; i--) path = joinPath(path, w.at[i]);
  return { problem: { path: path || '(event)', reason: w.reason ?? 'not a JSON value' } };
}

/** The first thing in `value` that is not plain, storable JSON (see inspectJson). */
export function findJsonProblem(value: unknown, maxDepth: number): JsonProblem | undefined {
  return inspectJson(value, maxDepth).problem;
}

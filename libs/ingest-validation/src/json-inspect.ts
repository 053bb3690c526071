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

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function describeString(s: string): string | undefined {
  if (LONE_SURROGATE.test(s)) return 'contains a lone UTF-16 surrogate (not valid Unicode text)';
  if (s.includes('\u0000')) return 'contains a NUL character (U+0000), which cannot be stored';
  return undefined;
}

const joinPath = (path: string, key: string | number) =>
  typeof key === 'number' ? `${path}[${key}]` : /^[A-Za-z_$][\w$]*$/.test(key) ? (path ? `${path}.${key}` : key) : `${path}[${JSON.stringify(key)}]`;

/**
 * The first thing in `value` that is not plain, storable JSON: nesting deeper than `maxDepth`,
 * non-finite numbers, undefined array items, functions, symbols, bigints, non-plain objects (Date, Map, class
 * instances), a `__proto__` key, strings with lone surrogates or NUL characters. Iterative.
 */
export function findJsonProblem(value: unknown, maxDepth: number): JsonProblem | undefined {
  const stack: [unknown, string, number, boolean][] = [[value, '', 0, false]];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const [v, path, depth, inArray] = top;
    const at = path || '(event)';
    switch (typeof v) {
      case 'string': {
        const bad = describeString(v);
        if (bad) return { path: at, reason: bad };
        continue;
      }
      case 'number':
        if (!Number.isFinite(v)) return { path: at, reason: `${v} is not a JSON number` };
        continue;
      case 'boolean':
        continue;
      case 'undefined':
        // An object property set to undefined is absent in JSON (optional fields built in code); in an array it is not.
        if (inArray) return { path: at, reason: 'undefined is not a JSON value' };
        continue;
      case 'object':
        break;
      default:
        return { path: at, reason: `${typeof v} is not a JSON value` };
    }
    if (v === null) continue;
    if (depth + 1 > maxDepth) return { path: at, reason: `nesting depth exceeds the limit of ${maxDepth} levels (reached ${depth + 1})` };
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], joinPath(path, i), depth + 1, true]);
      continue;
    }
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) return { path: at, reason: `${proto?.constructor?.name ?? 'object'} is not a plain JSON object` };
    const keys = Object.keys(v);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i];
      if (key === '__proto__') return { path: joinPath(path, key), reason: "the key '__proto__' is not allowed" };
      const badKey = describeString(key);
      if (badKey) return { path: at, reason: `a key ${badKey}` };
      stack.push([(v as Record<string, unknown>)[key], joinPath(path, key), depth + 1, false]);
    }
  }
  return undefined;
}

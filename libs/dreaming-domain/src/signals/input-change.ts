import { normalizeMessage } from '../text/error-signature.normalizer';
import { commandOf } from './step-key';
import type { InputChange } from './session-signals.model';

/** Top-level input keys with the shape of their value (ids and numbers normalized away). */
function keyShapes(input: unknown): Map<string, string> {
  const out = new Map<string, string>();
  if (input && typeof input === 'object' && !Array.isArray(input)) {
    for (const [k, v] of Object.entries(input as Record<string, unknown>)) {
      if (v === undefined || v === null || v === '') continue;
      out.set(k, typeof v === 'string' ? normalizeMessage(v) : typeof v === 'object' ? normalizeMessage(JSON.stringify(v)) : normalizeMessage(String(v)));
    }
  }
  return out;
}

function flags(input: unknown): Set<string> {
  const cmd = commandOf(input);
  const out = new Set<string>();
  if (cmd) for (const w of cmd.split(/\s+/)) if (/^--?[a-z][\w-]*/i.test(w)) out.add(w.split('=')[0]);
  return out;
}

/** Top-level keys of the retry whose string value changed and appears in one of `outputs`. */
export function keysReadFrom(failed: unknown, retried: unknown, outputs: readonly string[]): string[] {
  if (!retried || typeof retried !== 'object' || Array.isArray(retried) || outputs.length === 0) return [];
  const before = (failed && typeof failed === 'object' ? failed : {}) as Record<string, unknown>;
  const keys: string[] = [];
  for (const [k, v] of Object.entries(retried as Record<string, unknown>)) {
    if (typeof v !== 'string' && typeof v !== 'number') continue;
    const value = String(v);
    if (value.length < 3 || before[k] === v) continue;
    if (outputs.some((o) => o.includes(value))) keys.push(k);
  }
  return keys.sort();
}

/** What the retry did differently from the failing call. */
export function inputChange(failed: unknown, retried: unknown): InputChange {
  const a = keyShapes(failed);
  const b = keyShapes(retried);
  const fa = flags(failed);
  const fb = flags(retried);
  const sorted = (xs: Iterable<string>) => [...xs].sort();
  return {
    addedKeys: sorted([...b.keys()].filter((k) => !a.has(k))),
    removedKeys: sorted([...a.keys()].filter((k) => !b.has(k))),
    changedKeys: sorted([...b.keys()].filter((k) => a.has(k) && a.get(k) !== b.get(k))),
    addedFlags: sorted([...fb].filter((f) => !fa.has(f))),
    removedFlags: sorted([...fa].filter((f) => !fb.has(f))),
    keysFromBetween: [],
  };
}

export function isEmptyChange(c: InputChange): boolean {
  return !c.addedKeys.length && !c.removedKeys.length && !c.changedKeys.length && !c.addedFlags.length && !c.removedFlags.length && !c.keysFromBetween.length;
}

import { createHmac } from 'node:crypto';
import { charClasses } from './char-classes';
import { placeholder, type Detector } from './detector';
import { PII_DETECTORS } from './pii.detectors';
import { HIGH_ENTROPY_DETECTOR, SECRET_DETECTORS } from './secret.detectors';
import { PseudonymKeyError, RedactionRulesError, type RedactionResult, type RedactionRules, type Redactor, type RedactorOptions } from './redaction.types';

/**
 * Built-in detectors in the order they run. Specific token formats go first so that a key is
 * counted under its own kind before the generic `secret_assignment` / `high_entropy_secret` see it;
 * card numbers run before phone numbers, IPv4 before IPv6.
 */
export const BUILT_IN_DETECTORS: readonly Detector[] = [...SECRET_DETECTORS, ...PII_DETECTORS, HIGH_ENTROPY_DETECTOR];
export const BUILT_IN_KINDS: readonly string[] = [...new Set(BUILT_IN_DETECTORS.map((d) => d.kind))];

const KIND_NAME = /^[a-z][a-z0-9_]{0,63}$/;
const ALLOWED_FLAGS = /^[imsuy]*$/;

function compileCustom(rules: RedactionRules): Detector[] {
  if (rules.custom !== undefined && !Array.isArray(rules.custom)) {
    throw new RedactionRulesError('custom must be an array of { kind, pattern, flags? }');
  }
  return (rules.custom ?? []).map((rule, i) => {
    const where = `custom[${i}]${rule && typeof rule.kind === 'string' ? ` (kind '${rule.kind}')` : ''}`;
    if (!rule || typeof rule !== 'object') throw new RedactionRulesError(`${where}: expected an object { kind, pattern, flags? }`);
    if (typeof rule.kind !== 'string' || !KIND_NAME.test(rule.kind)) {
      throw new RedactionRulesError(`${where}.kind: expected lower-case letters, digits and _ (1-64, starting with a letter), received ${JSON.stringify(rule.kind)}`);
    }
    if (typeof rule.pattern !== 'string' || rule.pattern.length === 0) {
      throw new RedactionRulesError(`${where}.pattern: expected a non-empty regular expression source`);
    }
    const flags = rule.flags ?? '';
    if (typeof flags !== 'string' || !ALLOWED_FLAGS.test(flags)) {
      throw new RedactionRulesError(`${where}.flags: expected a combination of i, m, s, u, y (g is always added), received ${JSON.stringify(flags)}`);
    }
    let pattern: RegExp;
    try {
      pattern = new RegExp(rule.pattern, `${[...new Set(flags)].join('')}g`);
    } catch (e) {
      throw new RedactionRulesError(`${where}.pattern: invalid regular expression /${rule.pattern}/: ${(e as Error).message}`);
    }
    if (pattern.test('')) {
      throw new RedactionRulesError(`${where}.pattern: /${rule.pattern}/ matches the empty string, so it would redact nothing useful`);
    }
    pattern.lastIndex = 0;
    return { kind: rule.kind, pattern };
  });
}

function checkDisabled(rules: RedactionRules, custom: Detector[]): Set<string> {
  if (rules.disabled !== undefined && !Array.isArray(rules.disabled)) throw new RedactionRulesError('disabled must be an array of redaction kinds');
  const known = new Set([...BUILT_IN_KINDS, ...custom.map((d) => d.kind)]);
  for (const kind of rules.disabled ?? []) {
    if (typeof kind !== 'string' || !known.has(kind)) {
      throw new RedactionRulesError(`disabled: unknown redaction kind ${JSON.stringify(kind)}; known kinds: ${[...known].join(', ')}`);
    }
  }
  return new Set(rules.disabled ?? []);
}

function checkAllowlist(rules: RedactionRules): Set<string> {
  const list = rules.allowlist ?? [];
  if (!Array.isArray(list) || list.some((v) => typeof v !== 'string')) throw new RedactionRulesError('allowlist must be an array of strings');
  return new Set(list);
}

function hasAny(text: string, hints: readonly string[]): boolean {
  for (const h of hints) if (text.includes(h)) return true;
  return false;
}

function matchesAll(text: string, patterns: readonly RegExp[]): boolean {
  for (const p of patterns) if (!p.test(text)) return false;
  return true;
}

/**
 * True when the prefilters of `d` show it cannot redact anything in `text` (`classes` is
 * charClasses(text)), so its pattern need not run.
 */
export function detectorSkips(d: Detector, text: string, classes: number): boolean {
  if (d.needs) for (const mask of d.needs) if ((classes & mask) === 0) return true;
  if (d.hints && !hasAny(text, d.hints)) return true;
  return d.requires !== undefined && !matchesAll(text, d.requires);
}

function applyDetector(text: string, d: Detector, allow: Set<string>, counts: Record<string, number>): string {
  d.pattern.lastIndex = 0;
  const replacement = placeholder(d.kind);
  return text.replace(d.pattern, (...args: unknown[]) => {
    const match = args[0] as string;
    const last = args[args.length - 1];
    const hasGroups = typeof last === 'object' && last !== null;
    const groups = hasGroups ? (last as Record<string, string | undefined>) : undefined;
    const offset = args[args.length - (hasGroups ? 3 : 2)] as number;
    if (match.length === 0) return match;
    const prefix = groups?.p ?? '';
    const value = groups?.v ?? match;
    if (allow.has(value) || (d.accept && !d.accept(value, text, offset + prefix.length))) return match;
    counts[d.kind] = (counts[d.kind] ?? 0) + 1;
    return prefix + replacement + match.slice(prefix.length + value.length);
  });
}

/**
 * Top-level `data` fields that are identifiers other events and read models join on. Redacting
 * them would unlink a tool result from its call or merge all users into one, so they are kept.
 */
export const IDENTIFIER_FIELDS: ReadonlySet<string> = new Set(['toolCallId', 'parentSessionId', 'agentId', 'userId']);

function redactData(data: unknown, redactString: (s: string) => string, pseudonymize: (id: string) => string): unknown {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return redactValue(data, redactString);
  return Object.fromEntries(
    Object.entries(data).map(([k, v]) => [k, IDENTIFIER_FIELDS.has(k) ? (typeof v === 'string' ? pseudonymize(v) : v) : redactValue(v, redactString)]),
  );
}

/** Fewest key bytes accepted: an HMAC key shorter than this is guessable. */
export const MIN_PSEUDONYM_KEY_BYTES = 16;

/**
 * `pseudonym-<first 20 hex of HMAC-SHA256(key, id)>`: stable for one key, and without the key no
 * one can tell which pseudonym a known id has (a bare hash could be recomputed from the id).
 */
export function pseudonymFor(key: Uint8Array, id: string): string {
  return `pseudonym-${createHmac('sha256', key).update(id, 'utf8').digest('hex').slice(0, 20)}`;
}

/**
 * An identifier that is personal data (an e-mail address or phone number used as a user id) is
 * replaced by a stable keyed pseudonym: the same person still counts once across the tenant's
 * sessions, and the address itself is never stored.
 */
export function pseudonymizeIdentifier(id: string, redactText: (s: string) => { counts: Record<string, number> }, counts: Record<string, number>, key: Uint8Array | undefined): string {
  const found = redactText(id).counts;
  const personal = Object.keys(found).filter((k) => k === 'email' || k === 'phone');
  if (!personal.length) return id;
  if (!key) throw new PseudonymKeyError('an identifier is personal data and this redactor has no pseudonym key: create it with createRedactor(rules, { tenantId, pseudonymKey })');
  for (const k of personal) counts[k] = (counts[k] ?? 0) + found[k];
  return pseudonymFor(key, id);
}

function pseudonymKeyOf(options: RedactorOptions | undefined): Uint8Array | undefined {
  if (options === undefined) return undefined;
  if (typeof options.tenantId !== 'string' || !options.tenantId || typeof options.pseudonymKey !== 'function') {
    throw new PseudonymKeyError('redactor options must be { tenantId, pseudonymKey: (tenantId) => key bytes }');
  }
  const key = options.pseudonymKey(options.tenantId);
  // isView, not instanceof: a Buffer made in another realm (a VM context, a test runner) is still bytes.
  if (!ArrayBuffer.isView(key) || key.byteLength < MIN_PSEUDONYM_KEY_BYTES) {
    throw new PseudonymKeyError(`the pseudonym key of tenant '${options.tenantId}' must be at least ${MIN_PSEUDONYM_KEY_BYTES} bytes`);
  }
  return new Uint8Array(key.buffer, key.byteOffset, key.byteLength).slice(); // a copy: the provider's buffer may be reused
}

function redactValue(value: unknown, redactString: (s: string) => string): unknown {
  if (typeof value === 'string') return redactString(value);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, redactString));
  if (value !== null && typeof value === 'object') {
    // fromEntries defines own properties, so a `__proto__` key stays data and never becomes a prototype.
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(v, redactString)]));
  }
  return value;
}

/**
 * A redactor for one rule set. `options` bind it to a tenant and give it that tenant's pseudonym
 * key; without them it still redacts text, but refuses an event whose user id is personal data.
 */
export function createRedactor(rules: RedactionRules = {}, options?: RedactorOptions): Redactor {
  if (rules === null || typeof rules !== 'object' || Array.isArray(rules)) {
    throw new RedactionRulesError('redaction rules must be an object { disabled?, custom?, allowlist? }');
  }
  const pseudonymKey = pseudonymKeyOf(options);
  const custom = compileCustom(rules);
  const disabled = checkDisabled(rules, custom);
  const allow = checkAllowlist(rules);
  // Custom rules run first: a tenant's own formats win over the generic detectors.
  const detectors = [...custom, ...BUILT_IN_DETECTORS].filter((d) => !disabled.has(d.kind));

  const redactInto = (text: string, counts: Record<string, number>): string => {
    let out = text;
    let classes = charClasses(out);
    for (const d of detectors) {
      if (detectorSkips(d, out, classes)) continue;
      const next = applyDetector(out, d, allow, counts);
      if (next !== out) classes = charClasses(next); // a placeholder brings `[`, `:` and `_`
      out = next;
    }
    return out;
  };

  return {
    redactText(text: string): RedactionResult {
      const counts: Record<string, number> = {};
      return { text: redactInto(text, counts), counts };
    },
    redactEvent(event) {
      const tenantId = (event as { tenantId?: unknown }).tenantId;
      if (options && typeof tenantId === 'string' && tenantId !== options.tenantId) {
        throw new PseudonymKeyError(`this redactor is tenant '${options.tenantId}'s and was given an event of tenant '${tenantId}'`);
      }
      const counts: Record<string, number> = {};
      const detect = (t: string) => { const c: Record<string, number> = {}; redactInto(t, c); return { counts: c }; };
      const pseudonymize = (id: string) => pseudonymizeIdentifier(id, detect, counts, pseudonymKey);
      const data = redactData(event.data, (s) => redactInto(s, counts), pseudonymize);
      const merged: Record<string, number> = { ...(event.redactions ?? {}) };
      const actor = (event as { actor?: { kind: string; id: string } }).actor;
      const out = { ...event, data } as typeof event;
      if (actor && typeof actor.id === 'string') (out as { actor?: unknown }).actor = { ...actor, id: pseudonymize(actor.id) };
      for (const [kind, n] of Object.entries(counts)) merged[kind] = (merged[kind] ?? 0) + n;
      if (Object.keys(merged).length > 0) out.redactions = merged;
      return out;
    },
  };
}

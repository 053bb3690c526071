import { createHmac } from 'node:crypto';

/**
 * Does a lesson's wording quote erased content? Erasure answers it without moving the content:
 * dreaming hashes the words of the erased sessions' signals into salted shingle fingerprints (runs
 * of QUOTE_RUN words, and whole statements of 4 to QUOTE_RUN-1 words), governance hashes each
 * affected lesson's words the same way and withdraws a lesson that shares one. The salt is new for
 * each erasure, so the fingerprints identify nothing once it is over; they are never stored.
 *
 * A verbatim quote is what this catches (a statement, an error line, a task); a paraphrase is not,
 * which is why a lesson's words are written from patterns across sessions, never one person's.
 */
export const QUOTE_RUN = 6;
const MIN_STATEMENT = 4;
/** At most this many fingerprints travel (4 bytes each, base64): past it, every affected lesson counts as quoting. */
export const MAX_QUOTE_FINGERPRINTS = 120_000;

export interface QuoteFingerprints {
  salt: string;
  /** Packed big-endian uint32 fingerprints, base64; empty when `overflow`. */
  packed: string;
  /** Too much content to fingerprint within the cap: treat every affected lesson as quoting it. */
  overflow?: true;
}

const words = (text: string): string[] => text.toLowerCase().normalize('NFKC').match(/[\p{L}\p{N}]+/gu) ?? [];

const fingerprint = (salt: string, run: readonly string[]): number =>
  createHmac('sha256', salt).update(run.join(' ')).digest().readUInt32BE(0);

/** The fingerprints of what erased content says: every run of QUOTE_RUN words, and each shorter statement whole; undefined past the cap. */
export function fingerprintSet(texts: Iterable<string>, salt: string): Set<number> | undefined {
  const set = new Set<number>();
  for (const text of texts) {
    const w = words(text);
    if (w.length < MIN_STATEMENT) continue;
    if (w.length < QUOTE_RUN) set.add(fingerprint(salt, w));
    for (let i = 0; i + QUOTE_RUN <= w.length; i++) set.add(fingerprint(salt, w.slice(i, i + QUOTE_RUN)));
    if (set.size > MAX_QUOTE_FINGERPRINTS) return undefined;
  }
  return set;
}

/**
 * Takes out of `set` what other people's content also says: words that others said too are not
 * the erased user's alone (an error line every session printed), so a lesson quoting them stays.
 */
export function withoutSaidElsewhere(set: Set<number>, texts: Iterable<string>, salt: string): void {
  if (!set.size) return;
  for (const text of texts) for (const f of ngramFingerprints(words(text), salt)) set.delete(f);
}

export function packQuoteFingerprints(set: Set<number> | undefined, salt: string): QuoteFingerprints {
  if (!set) return { salt, packed: '', overflow: true };
  const buf = Buffer.alloc(set.size * 4);
  let at = 0;
  for (const f of set) { buf.writeUInt32BE(f, at); at += 4; }
  return { salt, packed: buf.toString('base64') };
}

export function quoteFingerprintsOf(texts: Iterable<string>, salt: string): QuoteFingerprints {
  return packQuoteFingerprints(fingerprintSet(texts, salt), salt);
}

/** Whether a lesson's words share a fingerprint with erased content (a run of QUOTE_RUN words, or a whole short statement). */
export function quotesErased(lessonTexts: Iterable<string>, erased: QuoteFingerprints): boolean {
  if (erased.overflow) return true;
  const buf = Buffer.from(erased.packed, 'base64');
  if (!buf.length) return false;
  const set = new Set<number>();
  for (let at = 0; at + 4 <= buf.length; at += 4) set.add(buf.readUInt32BE(at));
  for (const text of lessonTexts) for (const f of ngramFingerprints(words(text), erased.salt)) if (set.has(f)) return true;
  return false;
}

/** Every run of MIN_STATEMENT to QUOTE_RUN words: what may match a fingerprint. */
function* ngramFingerprints(w: readonly string[], s: string): Generator<number> {
  for (let n = MIN_STATEMENT; n <= QUOTE_RUN; n++) for (let i = 0; i + n <= w.length; i++) yield fingerprint(s, w.slice(i, i + n));
}

/**
 * The words in a derived record (a session's signals): every string except those the record uses to
 * route and link (ids, event ids, step keys, file names, times, enums), which are not what people said.
 */
export function wordsIn(value: unknown, skipKeys: ReadonlySet<string> = ROUTING_KEYS): string[] {
  const out: string[] = [];
  const walk = (v: unknown, key: string): void => {
    if (skipKeys.has(key) || /Ids?$/.test(key)) return;
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach((x) => walk(x, key));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  walk(value, '');
  return out;
}

/**
 * Signal keys that hold what the agent did (step keys, commands, error signatures) or routing, not
 * what people wrote: a workflow lesson naming `npm run build` does not quote anybody. Excerpts,
 * error lines, tasks and statements stay in.
 */
const ROUTING_KEYS: ReadonlySet<string> = new Set([
  'toolSequence', 'toolTargets', 'startedAt', 'endedAt', 'at', 'occurredAt', 'outcome', 'kind', 'polarity', 'source', 'agentId', 'userId', 'tenantId', 'sessionId', 'rootId', 'ingestedBy',
  'tool', 'step', 'between', 'betweenCommands', 'signature', 'remedy', 'next', 'replacement', 'change',
]);

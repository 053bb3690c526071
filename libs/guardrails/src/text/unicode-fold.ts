import { CONFUSABLES } from './confusables';
import { MappedTextBuilder, type MappedText } from './mapped-text';

/**
 * Zero-width, joiner, bidi-control and Hangul filler characters that render as nothing. Combining
 * marks (the grapheme joiner, variation selectors) go with the other marks after NFKD.
 */
const INVISIBLE = /[\p{Cf}\u115f\u1160\u3164\uffa0]/u;
const MARK = /\p{M}/gu;
/** Dashes and the minus sign read as `-` (`‐‐no‐verify`, `rm —rf`). */
const DASH = /[\p{Pd}\u2212\u2043\ufe63\uff0d]/u;
/** Tag characters (U+E0020–U+E007E) spell ASCII invisibly; they are read as the ASCII they spell. */
const TAG_FIRST = 0xe0020;
const TAG_LAST = 0xe007e;

const cache = new Map<string, string>();

/** One code point as the rules read it: NFKD without marks, look-alikes as Latin, dashes as `-`; '' when invisible. */
export function foldCodePoint(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  if (cp < 0x80) return ch;
  const hit = cache.get(ch);
  if (hit !== undefined) return hit;
  let out: string;
  if (cp >= TAG_FIRST && cp <= TAG_LAST) out = String.fromCharCode(cp - 0xe0000);
  else if (INVISIBLE.test(ch) || (cp >= 0xe0000 && cp <= 0xe007f)) out = '';
  else if (DASH.test(ch)) out = '-';
  else if (CONFUSABLES.has(ch)) out = CONFUSABLES.get(ch) ?? ch; // before NFKD, which turns ϲ into ς
  else {
    const decomposed = ch.normalize('NFKD').replace(MARK, '');
    out = '';
    for (const c of decomposed) out += CONFUSABLES.get(c) ?? c;
  }
  if (cache.size < 4096) cache.set(ch, out);
  return out;
}

/** `text` with every code point folded (see foldCodePoint); case is kept. */
export function foldString(text: string): string {
  let out = '';
  for (const ch of text) out += foldCodePoint(ch);
  return out;
}

/** The folded view of `source`; `source` itself when nothing changes (plain ASCII). */
export function unicodeFold(source: MappedText): MappedText {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(source.text)) return source;
  const b = new MappedTextBuilder(source);
  let i = 0;
  for (const ch of source.text) {
    const folded = foldCodePoint(ch);
    if (folded === ch) b.copy(i, i + ch.length);
    else b.replace(i, i + ch.length, folded);
    i += ch.length;
  }
  return b.build();
}

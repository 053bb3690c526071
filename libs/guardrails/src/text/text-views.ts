import type { Deobfuscation } from '../guardrail.types';
import { decodeMarkupAndEncodings } from './decode-markup';
import { findEncodedBlobs } from './encoded-blobs';
import { joinSplitWords } from './join-split-words';
import { identityText, type MappedText } from './mapped-text';
import { unicodeFold } from './unicode-fold';

/** One reading of the lesson's text that the rules match against. */
export interface TextView {
  text: MappedText;
  /** How this reading was obtained; undefined for the text as written. */
  via?: Deobfuscation;
}

const MAX_DEPTH = 2;

function blobView(blob: { start: number; end: number; decoded: string }, parent: MappedText): MappedText {
  const [a, b] = [parent.from[blob.start], parent.to[blob.end - 1]];
  const n = blob.decoded.length;
  return { text: blob.decoded, from: new Int32Array(n).fill(a), to: new Int32Array(n).fill(b) };
}

function readingsOf(base: MappedText, via: Deobfuscation | undefined, depth: number, out: TextView[]): void {
  const seen = new Set(out.map((v) => v.text.text));
  const add = (text: MappedText, how: Deobfuscation | undefined) => {
    if (seen.has(text.text)) return;
    seen.add(text.text);
    out.push({ text, via: how });
  };
  add(base, via);
  const folded = unicodeFold(base);
  add(folded, via ?? 'unicode');
  const decoded = decodeMarkupAndEncodings(folded);
  add(decoded, via ?? 'encoding');
  add(joinSplitWords(decoded), via ?? 'split-words');
  if (depth >= MAX_DEPTH) return;
  for (const blob of findEncodedBlobs(decoded.text)) {
    readingsOf(blobView(blob, decoded), blob.encoding, depth + 1, out);
  }
}

/**
 * The readings of `text` the rules run over: as written, then each de-obfuscation on top of the
 * previous one (look-alikes and invisible characters; entities, percent-encoding, escapes, markup
 * and defanging; split words), then the same for every base64 or hex blob it decodes to (nested
 * blobs once more). A reading identical to an earlier one is left out.
 */
export function textViews(text: string): TextView[] {
  const out: TextView[] = [];
  readingsOf(identityText(text), undefined, 1, out);
  return out;
}

/** A run of the text that decodes (base64 or hex) to readable text. */
export interface EncodedBlob {
  encoding: 'base64' | 'hex';
  /** Where the blob is in the text it was found in. */
  start: number;
  end: number;
  decoded: string;
}

const BASE64 = /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{16,}={0,2}(?![A-Za-z0-9+/=_-])/g;
const HEX = /(?<![0-9A-Za-z])(?:0x)?((?:[0-9a-fA-F]{2}){8,})(?![0-9A-Za-z])/g;
const MAX_BLOBS = 16;

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Readable: valid UTF-8, at least 6 characters, almost all printable, with letters. */
function readable(bytes: Uint8Array): string | null {
  if (bytes.length < 6) return null;
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    return null;
  }
  let printable = 0;
  let letters = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    if (c === 9 || c === 10 || c === 13 || (c >= 32 && c !== 127 && !(c >= 0x80 && c < 0xa0) && c !== 0xfffd)) printable++;
    if (/\p{L}/u.test(ch)) letters++;
  }
  const length = [...text].length;
  return printable / length >= 0.95 && letters / length >= 0.3 ? text : null;
}

function decodeBase64(blob: string): Uint8Array | null {
  const core = blob.replace(/=+$/, '');
  // A blob of letters only is usually a word or an identifier (`ValidationResultWrapper`); a
  // real encoding of text has digits, `+`, `/` or mixed case in short stretches.
  if (/^[a-z]+$/i.test(core) && !/[A-Z].*[a-z].*[A-Z]|[a-z].*[A-Z].*[a-z]/.test(core)) return null;
  if (core.length % 4 === 1) return null;
  const standard = core.replace(/-/g, '+').replace(/_/g, '/');
  return new Uint8Array(Buffer.from(standard, 'base64'));
}

/** base64 (standard or URL-safe) and hex runs of `text` that decode to readable text. */
export function findEncodedBlobs(text: string): EncodedBlob[] {
  const out: EncodedBlob[] = [];
  BASE64.lastIndex = 0;
  for (let m = BASE64.exec(text); m !== null && out.length < MAX_BLOBS; m = BASE64.exec(text)) {
    if (/^[0-9a-fA-F]+$/.test(m[0])) continue; // hex, below
    const bytes = decodeBase64(m[0]);
    const decoded = bytes && readable(bytes);
    if (decoded) out.push({ encoding: 'base64', start: m.index, end: m.index + m[0].length, decoded });
  }
  HEX.lastIndex = 0;
  for (let m = HEX.exec(text); m !== null && out.length < MAX_BLOBS; m = HEX.exec(text)) {
    const decoded = readable(new Uint8Array(Buffer.from(m[1], 'hex')));
    if (decoded) out.push({ encoding: 'hex', start: m.index, end: m.index + m[0].length, decoded });
  }
  return out;
}

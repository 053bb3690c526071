/**
 * Strict UTF-8 check (RFC 3629): rejects overlong forms, surrogates (U+D800-DFFF), code points
 * above U+10FFFF and truncated sequences. `offset` is the first byte of the bad sequence.
 */
export function checkUtf8(bytes: Uint8Array): { ok: true } | { ok: false; offset: number } {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i];
    if (b < 0x80) { i++; continue; }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0; // overlong
      if (b === 0xed) hi = 0x9f; // surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90; // overlong
      if (b === 0xf4) hi = 0x8f; // above U+10FFFF
    } else return { ok: false, offset: i };
    if (i + need >= n) return { ok: false, offset: i }; // truncated
    const second = bytes[i + 1];
    if (second < lo || second > hi) return { ok: false, offset: i };
    for (let k = 2; k <= need; k++) {
      const c = bytes[i + k];
      if (c < 0x80 || c > 0xbf) return { ok: false, offset: i };
    }
    i += need + 1;
  }
  return { ok: true };
}

// ignoreBOM keeps a leading U+FEFF in the text (as Buffer#toString does), so JSON.parse still refuses it.
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The text of strictly valid UTF-8 bytes, or the offset of the first bad sequence. Validates
 * and decodes in one native pass; the byte-by-byte check runs only to locate an error.
 */
export function decodeUtf8Strict(bytes: Uint8Array): { ok: true; text: string } | { ok: false; offset: number } {
  try {
    return { ok: true, text: strictDecoder.decode(bytes) };
  } catch {
    const check = checkUtf8(bytes);
    // The platform decoder and checkUtf8 agree (utf8.spec.ts); should they ever not, the stricter one wins.
    return check.ok ? { ok: false, offset: 0 } : check;
  }
}

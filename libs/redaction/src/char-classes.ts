/**
 * Bits for the characters the built-in detectors cannot match without. One pass over a text
 * gives the set it contains, and a detector whose required characters are absent is skipped
 * without running any pattern over the text.
 */
export const DIGIT = 1;
export const AT = 2;
export const COLON = 4;
export const EQUALS = 8;
export const DOT = 16;
export const PLUS = 32;
export const DASH = 64;
export const RPAREN = 128;
export const UNDERSCORE = 256;
export const CAPITAL_A = 512;

const TABLE = new Uint16Array(128);
for (let c = 48; c <= 57; c++) TABLE[c] = DIGIT;
TABLE[64] = AT;
TABLE[58] = COLON;
TABLE[61] = EQUALS;
TABLE[46] = DOT;
TABLE[43] = PLUS;
TABLE[45] = DASH;
TABLE[41] = RPAREN;
TABLE[95] = UNDERSCORE;
TABLE[65] = CAPITAL_A;

/** The union of the bits of the ASCII characters in `text` (other characters have none). */
export function charClasses(text: string): number {
  let mask = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 128) mask |= TABLE[c];
  }
  return mask;
}

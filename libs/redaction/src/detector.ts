/**
 * One kind of sensitive value. `pattern` is global; when it has the named groups `p` and `v`,
 * only `v` is replaced and the prefix `p` (e.g. `password=`) is kept.
 */
export interface Detector {
  kind: string;
  pattern: RegExp;
  /** Cheap pre-check: the regex runs only if the text contains one of these substrings. */
  hints?: readonly string[];
  /**
   * Cheap necessary conditions (plain patterns, no lookarounds): the regex runs only if the text
   * matches every one of them. Each must hold for any match `accept` would keep, so skipping the
   * detector when one fails never changes the output.
   */
  requires?: readonly RegExp[];
  /**
   * Cheapest check, before `hints` and `requires`: masks of char-classes.ts bits; the text must
   * contain a character of each mask (e.g. `[DIGIT, DOT]` for an IPv4 address).
   */
  needs?: readonly number[];
  /** Second look at a match, e.g. a Luhn check; `offset` is where the match starts in `text`. */
  accept?: (value: string, text: string, offset: number) => boolean;
}

export const placeholder = (kind: string): string => `[REDACTED:${kind}]`;

/**
 * Whether a recurring error's template says enough to be a lesson without a fix ("pitfall"):
 * "fail <path> [build failed]" or "error" only say that something failed; "undefined: <*>" or
 * "string to replace not found in file" say what. At least two specific words are needed:
 * words of three letters or more that are neither placeholders nor failure boilerplate.
 */
const GENERIC = new Set(
  ('error errors failed fail failure failures fatal exit exited status code command commands warning warn the and for with was were not ' +
    'this that has have had does did done are is be been build run running process returned return non zero nonzero exception ' +
    'unknown problem problems issue occurred abort aborted').split(' '),
);

/** Distinct specific words of a message: three letters or more, neither placeholders nor failure boilerplate. */
export function specificWords(message: string): number {
  const words = message.toLowerCase().replace(/<[^>]*>/g, ' ').split(/[^a-z_]+/).filter((w) => w.length >= 3 && !GENERIC.has(w));
  return new Set(words).size;
}

/**
 * Two specific words, or one in a template with a variable part: `undefined: <*>` names a kind of
 * failure once it recurs with other names in the slot.
 */
export function specificity(message: string): number {
  return specificWords(message) + (message.includes('<*>') ? 1 : 0);
}

/** A test's own assertion failing says the code under work is wrong, not that a step was misused. */
const ASSERTION = /expect\(received\)|assertionerror|assert(?:ion)? failed|\btests? failed\b|expected .* (?:to (?:be|equal)|but (?:got|received))/i;

export function isInformativeTemplate(message: string): boolean {
  return specificity(message) >= 2 && !ASSERTION.test(message);
}

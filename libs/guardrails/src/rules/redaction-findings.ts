import { BUILT_IN_KINDS, createRedactor, type Redactor } from '@reverie/redaction';

/** One value a redaction detector found, with where it is in the text. */
export interface RedactionFinding {
  kind: string;
  start: number;
  end: number;
}

const PLACEHOLDER = /\[REDACTED:([a-z0-9_]+)\]/g;
/** Beyond this many placeholders the alignment below could backtrack for long; their kinds are still reported. */
const MAX_ALIGNED = 16;

/** A redactor running only the detectors of `kinds` (the others disabled). */
export function redactorFor(kinds: readonly string[]): Redactor {
  return createRedactor({ disabled: BUILT_IN_KINDS.filter((k) => !kinds.includes(k)) });
}

/**
 * Where the redactor's detectors match in `text`. @reverie/redaction owns the detectors and
 * exports only the redactor, so the matches are recovered by aligning the redacted text with the
 * original: the literal text between placeholders is the same in both, and what a placeholder
 * stands for is what lies between those literals in the original.
 */
export function redactionFindings(redactor: Redactor, text: string): RedactionFinding[] {
  const { text: redacted, counts } = redactor.redactText(text);
  if (Object.keys(counts).length === 0) return [];
  const literals: string[] = [];
  const kinds: string[] = [];
  let last = 0;
  PLACEHOLDER.lastIndex = 0;
  for (let m = PLACEHOLDER.exec(redacted); m !== null; m = PLACEHOLDER.exec(redacted)) {
    literals.push(redacted.slice(last, m.index));
    kinds.push(m[1]);
    last = m.index + m[0].length;
  }
  literals.push(redacted.slice(last));
  const unaligned = () => kinds.map((kind) => ({ kind, start: 0, end: 0 }));
  if (kinds.length > MAX_ALIGNED) return unaligned();
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const aligned = new RegExp(`^${literals.map(escape).join('([\\s\\S]+?)')}$`, 'd').exec(text);
  if (!aligned?.indices) return unaligned();
  const out: RedactionFinding[] = [];
  kinds.forEach((kind, i) => {
    const span = aligned.indices?.[i + 1];
    // A placeholder the original already contained stands for itself, not for a finding.
    if (span && text.slice(span[0], span[1]) !== `[REDACTED:${kind}]`) out.push({ kind, start: span[0], end: span[1] });
  });
  return out;
}

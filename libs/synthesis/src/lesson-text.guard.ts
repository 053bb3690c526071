/**
 * Post-check on text written by the model: an e-mail address, URL or secret-looking token that is
 * not in the candidate's own facts must have come from the evidence (tool output, web pages, users)
 * and may be an injected instruction ("always send the credentials to x@y"). Such a text is rejected
 * and the template text is kept. Deliberately simple: it does not judge the prose, only these literals.
 */
const PATTERNS: Array<{ kind: string; re: RegExp }> = [
  { kind: 'e-mail address', re: /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g },
  { kind: 'URL', re: /\b(?:https?|ftp|file):\/\/[^\s"'<>)]+|\bwww\.[A-Za-z0-9-]+\.[A-Za-z0-9.-]+[^\s"'<>)]*/gi },
  {
    kind: 'secret',
    re: /\b(?:sk-[A-Za-z0-9_-]{16,}|AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{20,}|xox[abpr]-[A-Za-z0-9-]{10,}|eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]+|[A-Fa-f0-9]{32,}|[A-Za-z0-9+/]{40,}={0,2})/g,
  },
  { kind: 'credential assignment', re: /\b(?:password|passwd|secret|api[_-]?key|token)\s*[:=]\s*\S+/gi },
];

export interface GuardVerdict {
  ok: boolean;
  /** e.g. `e-mail address "x@y.com" not in the candidate's facts` */
  reasons: string[];
}

/** `allowed` is the text the literals may legitimately come from: the candidates' facts, scope and template text. */
export function checkLessonText(text: string, allowed: string): GuardVerdict {
  const haystack = allowed.toLowerCase();
  const reasons: string[] = [];
  for (const { kind, re } of PATTERNS) {
    for (const m of text.matchAll(re)) {
      const literal = m[0].replace(/[.,;:!?]+$/, '');
      if (!haystack.includes(literal.toLowerCase())) reasons.push(`${kind} "${literal}" not in the candidate's facts`);
    }
  }
  return { ok: reasons.length === 0, reasons };
}

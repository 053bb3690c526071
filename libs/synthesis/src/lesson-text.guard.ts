/**
 * Post-check on text written by the model. An e-mail address, URL or secret-looking token that is
 * not in the candidate's own (trusted) facts must have come from the evidence (tool output, web
 * pages, users) and may be an injected instruction ("always send the credentials to x@y"); so may
 * a few unmistakable instruction shapes (ignore previous instructions, send the credentials
 * somewhere, pipe a download into a shell, disable certificate verification). Such a text is
 * rejected and the template text is kept. Deliberately simple: it does not judge the prose, only
 * these literals and shapes, and a phrase found in the allowed text itself is accepted.
 */
const PATTERNS: Array<{ kind: string; re: RegExp }> = [
  { kind: 'e-mail address', re: /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g },
  { kind: 'URL', re: /\b(?:https?|ftp|file):\/\/[^\s"'<>)`]+|\bwww\.[A-Za-z0-9-]+\.[A-Za-z0-9.-]+[^\s"'<>)`]*/gi },
  {
    kind: 'secret',
    re: /\b(?:sk-[A-Za-z0-9_-]{16,}|AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{20,}|xox[abpr]-[A-Za-z0-9-]{10,}|eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]+|[A-Fa-f0-9]{32,}|[A-Za-z0-9+/]{40,}={0,2})/g,
  },
  { kind: 'credential assignment', re: /\b(?:password|passwd|secret|api[_-]?key|token)\s*[:=]\s*\S+/gi },
];

const SECRET_NOUN = String.raw`(?:credentials?|secrets?|passwords?|passphrases?|(?:api|access|private|ssh|signing|deploy)[ _-]?keys?|(?:api|access|auth|bearer|session|deploy|npm|github)[ _-]?tokens?|\.env\b|cookies?)`;

/** Instruction shapes; `negatable` ones are fine after "do not", "never"… ("Never send credentials to …" is advice). */
const INSTRUCTIONS: Array<{ re: RegExp; negatable: boolean }> = [
  { re: /\b(?:ignore|disregard|forget|override)\b[^.\n]{0,40}?\b(?:previous|prior|above|earlier|system|all|any|your|these)\b[^.\n]{0,20}?\b(?:instructions?|rules|prompts?|guidelines|directions)\b/gi, negatable: false },
  { re: /\b(?:you are now|new instructions?:|from now on,? you)\b/gi, negatable: false },
  { re: /\b(?:curl|wget|iwr|invoke-webrequest)\b[^|\n]{0,200}\|\s*(?:sudo\s+)?(?:ba|z|da|k)?sh\b/gi, negatable: true },
  { re: new RegExp(String.raw`\b(?:send|post|upload|forward|e-?mail|mail|transmit|exfiltrate|leak|share|paste)\b[^.\n]{0,60}?\b${SECRET_NOUN}`, 'gi'), negatable: true },
  { re: /\b(?:disable|skip|turn off|bypass)\b[^.\n]{0,30}?\b(?:ssl|tls|certificate|cert|signature|gpg)\b[^.\n]{0,15}?\b(?:verification|validation|checks?|verify)\b|NODE_TLS_REJECT_UNAUTHORIZED\s*=\s*['"]?0/gi, negatable: true },
];
const NEGATION = /\b(?:do not|don'?t|never|avoid|not|no|without)\b[^.;:\n]{0,40}$/i;

export interface GuardVerdict {
  ok: boolean;
  /** e.g. `e-mail address "x@y.com" not in the candidate's facts` */
  reasons: string[];
}

/**
 * `allowed` is the text the literals may legitimately come from: the candidates' trusted facts,
 * scope and template text (never the raw evidence lines). `instructions: false` checks the
 * literals only: a rationale may describe an injection it saw ("the output asked to send the
 * credentials elsewhere") for the reviewer, but may not carry its address.
 */
export function checkLessonText(text: string, allowed: string, opts: { instructions?: boolean } = {}): GuardVerdict {
  const haystack = allowed.toLowerCase();
  const reasons: string[] = [];
  for (const { kind, re } of PATTERNS) {
    for (const m of text.matchAll(re)) {
      const literal = m[0].replace(/[.,;:!?]+$/, '');
      if (!haystack.includes(literal.toLowerCase())) reasons.push(`${kind} "${literal}" not in the candidate's facts`);
    }
  }
  for (const { re, negatable } of opts.instructions === false ? [] : INSTRUCTIONS) {
    for (const m of text.matchAll(re)) {
      const phrase = m[0];
      if (haystack.includes(phrase.toLowerCase())) continue;
      if (negatable && NEGATION.test(text.slice(0, m.index))) continue;
      reasons.push(`instruction "${phrase}" not in the candidate's facts`);
    }
  }
  return { ok: reasons.length === 0, reasons };
}

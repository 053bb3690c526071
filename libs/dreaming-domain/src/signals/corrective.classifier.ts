import { contentTokens } from '../text/tokens';
import type { CorrectionPolarity } from './session-signals.model';

/**
 * Corrective statements in USER messages: "no, …", "don't …", "never …", "always …", "stop …",
 * "use X instead", "I prefer …", "from now on …". Questions are not corrections.
 */
const LEAD = /^(?:(?:no|nope|nah|ugh|again|and|but|also|ok|okay|wait|hey)\b[\s,.!:;-]*|please\s+|pls\s+|i said\s+|i told you\s+|as i said,?\s+|remember(?: to| that)?\s+)*/i;
const AVOID = /^(don'?t|do not|never|avoid|no more|(?:please )?(?:stop|quit) (?:[\w-]+ )?(?:\w+ing|it|that|this)|you (?:should not|shouldn'?t|must not|mustn'?t))\b/i;
const DO = /^(always|from now on|in (?:the )?future|use\b|prefer\b|make sure to\b|you (?:should|must) (?:always )?)/i;
const PREFER = /\b(?:i|we)(?:'d| would)? (?:prefer|rather|like you to|want you to)\b/i;
const CONTRAST = /\b(instead(?: of)?|rather than|over|not)\b/i;
const NO_START = /^(no|nope|nah)\b[\s,.!:;-]+\S/i;

/** Words that carry polarity or politeness, not content: they must not decide the cluster. */
const MARKERS = new Set([
  'always', 'never', 'stop', 'quit', 'avoid', 'instead', 'rather', 'prefer', 'use', 'using', 'us', 'future', 'now', 'on',
  'remember', 'said', 'told', 'again', 'should', 'must', 'mustn', 'shouldn', 'don', 'dont', 'do', 'not', 'no', 'nope',
  'yes', 'want', 'like', 'would', 'wa', 'one', 'thing', 'way', 'time', 'ever', 'anymore', 'more', 'keep', 'kept',
]);

export interface CorrectiveStatement {
  text: string;
  normalized: string;
  polarity: CorrectionPolarity;
}

function sentences(text: string): string[] {
  return text.split(/(?<=[.!?;])\s+|\n+/).map((s) => s.trim()).filter((s) => s.length > 0 && s.length <= 400);
}

export function classifySentence(sentence: string): CorrectiveStatement | undefined {
  if (/\?\s*$/.test(sentence)) return undefined;
  // "Use my credit card ending in 7334": a request about the user's own data, not a team preference.
  if (/\b(my|mine)\b/i.test(sentence)) return undefined;
  const noStart = NO_START.test(sentence);
  const body = sentence.replace(LEAD, '').trim();
  let polarity: CorrectionPolarity | undefined;
  if (AVOID.test(body)) polarity = 'avoid';
  else if (DO.test(body) || PREFER.test(sentence)) polarity = 'do';
  else if (noStart && CONTRAST.test(body)) polarity = 'contrast';
  if (!polarity) return undefined;
  if (polarity !== 'avoid' && CONTRAST.test(body) && /\b(instead|rather than|over|not)\b/i.test(body)) polarity = 'contrast';
  if (polarity === 'avoid' && /,\s*(?:use|do|try|run)\b|\binstead\b/i.test(body)) polarity = 'contrast';
  const tokens = polarity === 'contrast' ? directedTokens(body) : contentTokens(body, MARKERS);
  if (tokens.length < 2) return undefined;
  return { text: sentence, normalized: [...tokens].sort().join(' '), polarity };
}

/**
 * A contrast has a direction: "use pnpm, not npm" and "use npm, not pnpm" must never meet. The
 * rejected side's tokens are marked with `!`: `pnpm !npm`.
 */
function directedTokens(body: string): string[] {
  let preferred: string;
  let rejected: string;
  const avoidFirst = AVOID.test(body) ? /^(.*?),\s*((?:use|do|try|run)\b.*)$/i.exec(body) : null;
  if (avoidFirst) {
    [, rejected, preferred] = avoidFirst;
  } else {
    const m = /\b(instead of|rather than|over|not)\b/i.exec(body);
    preferred = m ? body.slice(0, m.index) : body;
    rejected = m ? body.slice(m.index + m[0].length) : '';
  }
  const plus = contentTokens(preferred, MARKERS);
  const minus = contentTokens(rejected, MARKERS).filter((t) => !plus.includes(t));
  return [...plus, ...minus.map((t) => `!${t}`)];
}

export function correctiveStatements(text: string): CorrectiveStatement[] {
  const out: CorrectiveStatement[] = [];
  for (const s of sentences(text)) {
    const c = classifySentence(s);
    if (c) out.push(c);
  }
  return out;
}

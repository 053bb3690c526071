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
  /** For a contrast: what to do and what it replaces, as written ("use pnpm", "npm"). */
  prefer?: string;
  over?: string;
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
  if (polarity === 'contrast') {
    const d = directed(body);
    if (d.tokens.length < 2) return undefined;
    return { text: sentence, normalized: [...d.tokens].sort().join(' '), polarity, ...(d.prefer && d.over ? { prefer: d.prefer, over: d.over } : {}) };
  }
  const tokens = contentTokens(body, MARKERS);
  if (tokens.length < 2) return undefined;
  return { text: sentence, normalized: [...tokens].sort().join(' '), polarity };
}

/** Where the object of "use …" stops: a clause boundary, or a word that starts a setting ("in this repo", "for installing"). */
const OBJECT_END = /[,:;!()\u2014\u2013]|\.(?=\s|$)|\s-\s|\s(?:in|for|on|at|when|whenever|because|since|as|so|here|there|to|with|from|if|unless|we|it|this|that|which|please|again|anymore|instead|always|only|now|and|or|but)\b/i;
const CLAUSES = /[,:;!()\u2014\u2013]|\.(?=\s|$)|\s-\s/;
/** "use X", "I prefer X", "I'd rather use X", "you should always use X", "switch to X": the lesson says "use X". */
const USE_VERB = /^(?:(?:you\s+)?(?:should|must)\s+)?(?:always\s+)?(?:(?:(?:i|we)(?:'d|\s+would)?\s+)?(?:prefer|rather)(?:\s+(?:you\s+)?(?:to\s+)?use)?|use|using|go with|switch to|stick (?:to|with))\s+/i;
const FILLER_END = /\s+(?:here|there|instead|please|again|always|anymore|now|then)$/i;
const ARTICLE = /^(?:the|a|an)\s+/i;

/** The object of a clause: after "use"-like verbs, up to where a setting starts. */
function objectOf(clause: string): { object: string; usesVerb: boolean } {
  const c = clause.trim();
  const verb = USE_VERB.exec(c);
  if (verb) {
    const rest = c.slice(verb[0].length);
    const m = OBJECT_END.exec(` ${rest}`);
    return { object: (m ? ` ${rest}`.slice(0, m.index) : rest).trim().replace(ARTICLE, ''), usesVerb: true };
  }
  let object = c.replace(/[.\s]+$/, '');
  while (FILLER_END.test(object)) object = object.replace(FILLER_END, '');
  return { object, usesVerb: false };
}

/**
 * A contrast has a direction: "use pnpm, not npm" and "use npm, not pnpm" must never meet. Its key
 * is the thing preferred and the thing rejected (`pnpm !npm`), not the rest of the sentence, so
 * "No, use pnpm instead of npm in this repo, we only commit pnpm-lock.yaml" and "Please use pnpm
 * instead of npm for installing packages" are the same preference.
 */
function directed(body: string): { tokens: string[]; prefer?: string; over?: string } {
  let preferredClause: string;
  let rejected: string;
  const avoidFirst = AVOID.test(body) ? /^(.*?),\s*((?:use|do|try|run)\b.*)$/i.exec(body) : null;
  if (avoidFirst) {
    preferredClause = avoidFirst[2].split(CLAUSES)[0];
    const avoided = avoidFirst[1].replace(AVOID, '').trim();
    rejected = objectOf(USE_VERB.test(avoided) ? avoided : `use ${avoided}`).object;
  } else {
    const m = /\b(instead of|rather than|over|not)\b/i.exec(body);
    const before = (m ? body.slice(0, m.index) : body).split(CLAUSES).map((x) => x.trim()).filter(Boolean);
    preferredClause = before[before.length - 1] ?? '';
    rejected = m ? objectOf(`use ${body.slice(m.index + m[0].length).trim()}`).object : '';
  }
  const { object, usesVerb } = objectOf(preferredClause);
  const plus = contentTokens(object, MARKERS);
  const minus = contentTokens(rejected, MARKERS).filter((t) => !plus.includes(t));
  const tokens = [...plus, ...minus.map((t) => `!${t}`)];
  if (!plus.length || !minus.length) return { tokens };
  // "run the tests with vitest" keeps its own verb; "I prefer pnpm" and a bare "pnpm" read "use pnpm".
  const prefer = usesVerb || !/^(?:run|do|call|write|put|add|keep|set|install|pass|read|create|commit|open|send)\b/i.test(object) ? `use ${object}` : object;
  return { tokens, prefer, over: rejected };
}

export function correctiveStatements(text: string): CorrectiveStatement[] {
  const out: CorrectiveStatement[] = [];
  for (const s of sentences(text)) {
    const c = classifySentence(s);
    if (c) out.push(c);
  }
  return out;
}

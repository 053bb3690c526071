import { foldString } from './unicode-fold';

/**
 * Words that negate what follows them in the same clause, in the languages the rules read.
 * Matched on folded, lower-case text, so they are written without accents.
 */
const NEGATOR_WORDS = [
  // English
  'never', 'not', 'no', 'avoid', 'avoiding', 'stop', 'without', 'refrain from', 'nor', 'cannot', 'forbid', 'forbidden',
  'prohibited', 'disallow', 'instead of', 'rather than',
  // German, French, Spanish, Italian, Portuguese
  'nie', 'niemals', 'nicht', 'kein', 'keine', 'keinen', 'ohne', 'vermeide', 'vermeiden', 'verboten',
  'ne', 'jamais', 'sans', 'evite', 'eviter', 'interdit',
  'nunca', 'jamas', 'sin', 'evita', 'evitar', 'prohibido',
  'mai', 'senza', 'non', 'nao', 'sem',
];
const NEGATOR = new RegExp(
  `n['’]t\\b|(?<![\\w'’-])(?:${NEGATOR_WORDS.join('|')})(?![\\w-])|(?<![\\w-])n['’](?=[a-z])|(?<![\\w-])(?:pas|plus|point)(?![\\w-])|切勿|绝不|从不|不要|不得|避免|禁止|[不别勿]|しない|するな`,
  'g',
);
/** French closes a negation it opened with `ne`: "ne ... pas" counts once. */
const FRENCH_OPEN = /(?<![\w-])(?:ne|n['’])(?![\w-])|(?<![\w-])n['’](?=[a-z])/;
const FRENCH_CLOSE = new Set(['pas', 'plus', 'point', 'jamais']);

/**
 * Negations that do not negate the action after them: "never forget to", "don't hesitate to",
 * "not a problem to", "not only", "no matter".
 */
const CANCELLED = /\b(?:never|not|n't|do not|don't|dont|no)\s+(?:forget|hesitate|fail|neglect|omit|be afraid|matter|problem|issue|worries|harm|only|just)\b|\bno\s+need\s+to\s+avoid\b|\bnothing\s+wrong\b|\bnot\s+(?:a|an)\s+(?:problem|issue|big deal)\b/g;

/** Where the clause holding `index` starts: after a sentence end, `;`, `:`, a line break, "but", "then", ", and", or ", always/use/run…". */
const CLAUSE_BREAK = /[.;:!?](?:\s|$)|[;。；！？\n]|\bbut\b|\bthen\b|,\s+and\s+|,\s*(?:and\s+)?(?=(?:always|just|simply|instead|use|run|please)\b)|\band\s+(?=(?:always|just|simply)\b)/g;
function clauseStart(text: string, index: number): number {
  const before = text.slice(0, index);
  CLAUSE_BREAK.lastIndex = 0;
  let start = 0;
  for (let m = CLAUSE_BREAK.exec(before); m !== null; m = CLAUSE_BREAK.exec(before)) start = m.index + m[0].length;
  return start;
}

/** A comma-separated part opening with one of these is a condition: its negations stay in it ("when a script is not executable, chmod 777 it"). */
const SUBORDINATE = /^\s*(?:when|whenever|if|unless|because|since|although|though|while|once|as long as|in case|even if|even when|wenn|falls|weil|si|quand|lorsque|cuando|porque|se|quando)\b/;

function countNegations(words: string): number {
  const text = foldString(words).toLowerCase().split(',').filter((part) => !SUBORDINATE.test(part)).join(',').replace(CANCELLED, ' ');
  const frenchOpen = FRENCH_OPEN.test(text);
  let count = 0;
  NEGATOR.lastIndex = 0;
  for (let m = NEGATOR.exec(text); m !== null; m = NEGATOR.exec(text)) {
    const word = m[0];
    if (FRENCH_CLOSE.has(word) && frenchOpen) continue;
    if ((word === 'plus' || word === 'point') && !frenchOpen) continue;
    count++;
  }
  return count;
}

/**
 * True when the words before `start` in its clause (at most `window` characters back), plus the
 * words of the match itself when `end` is given, negate it an odd number of times: "never use
 * sudo", "do not skip the tests", "deaktiviere nicht die Tests"; "never forget to use sudo" is not
 * negated.
 */
export function isNegated(text: string, start: number, end?: number, window = 80): boolean {
  const from = Math.max(clauseStart(text, start), start - window);
  const words = text.slice(from, start) + (end !== undefined ? ` ${text.slice(start, end)}` : '');
  return countNegations(words) % 2 === 1;
}

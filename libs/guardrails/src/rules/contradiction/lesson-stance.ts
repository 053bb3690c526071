import { foldString } from '../../text/unicode-fold';

/** One thing a lesson says to do (polarity 1) or not to do (-1), as a set of stemmed words. */
export interface Stance {
  polarity: 1 | -1;
  words: ReadonlySet<string>;
  /** Words the opposing stance must have too ("without squashing": only a lesson about squashing opposes it). */
  required?: ReadonlySet<string>;
}

/**
 * Where the instruction of a lesson ends: the dream writer puts it before `:` or ` (`, people
 * before the first sentence end, a dash or `;`.
 */
const INSTRUCTION_END = /:\s|\s\(|\s[—–-]\s|;|[.!?](?:\s|$)|\n/;

/** A label in front of the instruction: "Lesson learned: …", "Team preference: …", "Tip: …". */
const LABEL = /^\s*(?:[\p{L}' -]{0,30}?\b(?:lessons?(?: learned)?|tips?|notes?|preferences?|rules?|reminders?|important|policy|guidelines?|best practices?|heads[- ]up|update|fyi))\s*:\s+/iu;

/** The instruction part of a lesson's text, as written. */
export function instructionOf(text: string): string {
  const body = text.replace(LABEL, '');
  const cut = body.search(INSTRUCTION_END);
  return (cut < 0 ? body : body.slice(0, cut)).trim();
}

const FILLER = /^(?:(?:please|always|you should|you must|we should|we must|make sure (?:to|you)|be sure to|remember to|try to|do(?! not\b)|must(?! not\b)|should(?! not\b)|kindly|just|i (?:want|need) you to|i(?:'d)? (?:prefer|like) (?:to|that you|you to)?|we prefer to|prefer to|it is (?:best|better) to)\s+|,\s*)/;
const NEGATION = /^(?:never|do not|don't|dont|does not|doesn't|must not|mustn't|should not|shouldn't|cannot|can't|no longer|refrain from|avoid|stop|quit|no)\s+(?:ever\s+)?/;
const STOPWORDS = new Set([
  'the', 'a', 'an', 'to', 'of', 'in', 'on', 'for', 'with', 'this', 'that', 'these', 'those', 'your', 'our', 'my', 'it', 'its', 'any',
  'all', 'and', 'or', 'is', 'are', 'be', 'by', 'at', 'as', 'from', 'into', 'onto', 'here', 'there', 'when', 'ever', 'repo', 'repository', 'project',
  'branch', 'please', 'always', 'also', 'again', 'just', 'yourself',
  // "use X", "prefer X" and "X" ask the same
  'use', 'using', 'prefer', 'preferring',
]);
const ALTERNATIVE = /\s+(?:instead of|rather than|over|in place of)\s+|,\s*not\s+/;

/** A crude stemmer: enough for "push", "pushes", "pushing", "pushed" and "use", "using" to meet. */
function stem(word: string): string {
  let w = word;
  for (const suffix of ['ing', 'ed', 'es', 's']) {
    if (w.length > suffix.length + 2 && w.endsWith(suffix)) {
      w = w.slice(0, -suffix.length);
      break;
    }
  }
  if (w.length > 3 && w.endsWith('e')) w = w.slice(0, -1);
  if (w.length > 3 && w[w.length - 1] === w[w.length - 2] && !/[aeiou]/.test(w[w.length - 1])) w = w.slice(0, -1);
  return w;
}

function wordsOf(phrase: string): Set<string> {
  const out = new Set<string>();
  for (const raw of phrase.split(/[^a-z0-9_.@/+]+|(?<=[a-z])[-.](?=[a-z])/)) {
    const w = raw.replace(/^[.]+|[.]+$/g, '');
    if (w && !STOPWORDS.has(w)) out.add(stem(w));
  }
  return out;
}

function polarityOf(phrase: string): { polarity: 1 | -1; rest: string } {
  let rest = phrase;
  let polarity: 1 | -1 = 1;
  for (let guard = 0; guard < 6; guard++) {
    const filler = FILLER.exec(rest);
    if (filler) {
      rest = rest.slice(filler[0].length);
      continue;
    }
    const negation = NEGATION.exec(rest);
    if (negation) {
      rest = rest.slice(negation[0].length);
      polarity = polarity === 1 ? -1 : 1;
      continue;
    }
    break;
  }
  return { polarity, rest };
}

/**
 * What a lesson's instruction asks, as stances: "Use pnpm instead of npm" is `+ use pnpm` and
 * `- use npm`; "Never force push to main" is `- force push main`.
 */
export function stancesOf(text: string): Stance[] {
  const phrase = foldString(instructionOf(text)).toLowerCase().replace(/[’‘]/g, "'").replace(/[`"“”*]/g, ' ').replace(/\s+/g, ' ').trim();
  const { polarity, rest } = polarityOf(phrase);
  const [beforeWithout, omitted] = rest.split(/\s+without\s+/, 2);
  const [main, alternative] = beforeWithout.split(ALTERNATIVE, 2);
  const stances: Stance[] = [];
  const words = wordsOf(main);
  // "merge pull requests without squashing" also says not to squash them when merging.
  if (omitted !== undefined) {
    const required = wordsOf(omitted);
    if (required.size > 0) stances.push({ polarity: polarity === 1 ? -1 : 1, words: new Set([...words, ...required]), required });
  }
  if (words.size > 0) stances.push({ polarity, words });
  if (alternative !== undefined) {
    // "run X instead of Y" says not to run Y: the verb of the main part carries over.
    const head = main.split(' ');
    const other = wordsOf(head.length > 1 ? `${head[0]} ${alternative}` : alternative);
    if (other.size > 0) stances.push({ polarity: polarity === 1 ? -1 : 1, words: other });
  }
  return stances;
}

/**
 * Opposite polarity over the same action: the word sets are equal, differ by one word out of
 * four or more, or one is the other narrowed by a condition ("never force push to main" against
 * "always force push to main after a rebase": the narrower has at least three words, all in the
 * wider, which adds at most four).
 */
export function opposes(a: Stance, b: Stance): boolean {
  if (a.polarity === b.polarity) return false;
  for (const [x, y] of [[a, b], [b, a]]) if (x.required && [...x.required].some((w) => !y.words.has(w))) return false;
  let shared = 0;
  for (const w of a.words) if (b.words.has(w)) shared++;
  const union = a.words.size + b.words.size - shared;
  if (shared === union) return true;
  if (union - shared === 1 && shared >= 3) return true;
  const narrower = Math.min(a.words.size, b.words.size);
  return shared >= 3 && shared === narrower && Math.max(a.words.size, b.words.size) - narrower <= 4;
}

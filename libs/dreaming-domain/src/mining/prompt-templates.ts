import { stem } from '../text/tokens';
import { mineErrorTemplates, WILDCARD } from './error-templates';

/** Words that open a request without saying what it is. */
const FILLER = /^(?:(?:hi|hey|hello|ok|okay|so|now|please|pls|alright|great|thanks|thank you)\b[\s,!.:;-]*|(?:go ahead and|let'?s|can you|could you|would you|i want you to|i'?d like you to|i need you to)\s+)+/;
const MAX_CLAUSE_TOKENS = 16;
/** Words a template must keep besides its slots, so that "<*> the <*>" never names a task. */
const MIN_LITERALS = 2;
const STOP = new Set(['a', 'an', 'the', 'of', 'to', 'in', 'on', 'for', 'and', 'or', 'is', 'are', 'it', 'this', 'that', 'my', 'me', 'i', 'you', 'we', 'with', 'at', 'by']);

/**
 * The clause a prompt opens with, as tokens: lower-cased, greetings and fillers dropped ("go ahead
 * and", "let's"), numbers and ids as `<*>` (`task #008`, `task#002` → `task <*>`), words stemmed
 * (working → work). "start working on task 009. make sure the spec…" → `start work on task <*>`.
 */
export function openingClause(prompt: string): string[] {
  const clauses = prompt.toLowerCase().replace(/[#@]?\d[\w-]*(?:\.\d[\w-]*)*/g, ' 0 ').split(/[.?!;:,\n]+(?:\s|$)|\n/);
  for (const raw of clauses) {
    const words = (raw.replace(/[’`]/g, "'").replace(FILLER, '').match(/[a-z][a-z']*|0/g) ?? [])
      .map((w) => (w === '0' ? WILDCARD : stem(w.replace(/'+$/, ''))));
    if (words.filter((w) => w !== WILDCARD && !STOP.has(w)).length >= MIN_LITERALS) return words.slice(0, MAX_CLAUSE_TOKENS);
  }
  return [];
}

/**
 * Drain-style templates of the opening clauses of task prompts (the error templates' algorithm:
 * clauses of one agent with the same length and first word, equal in all but a few positions,
 * share a template whose other positions are slots): "start working on task #008" and "start
 * working on task 011" are `start work on task <*>`. Returns, per prompt, its template when at
 * least `minMembers` prompts share it and it keeps `MIN_LITERALS` words that are not slots or
 * stopwords; else undefined.
 */
export function promptTemplates(prompts: ReadonlyArray<{ agentId: string; text: string }>, minMembers: number): Array<string | undefined> {
  const clauses = prompts.map((p) => openingClause(p.text).join(' '));
  const templates = mineErrorTemplates(prompts.flatMap((p, i) => (clauses[i] ? [{ step: p.agentId, message: clauses[i], weight: 1 }] : [])));
  const members = new Map<string, number>();
  const keyOf = (i: number) => { const t = templates.get(`${prompts[i].agentId}\u0001${clauses[i]}`); return t ? `${t.step}\u0001${t.template}` : undefined; };
  prompts.forEach((_, i) => { const k = clauses[i] ? keyOf(i) : undefined; if (k) members.set(k, (members.get(k) ?? 0) + 1); });
  return prompts.map((_, i) => {
    const k = clauses[i] ? keyOf(i) : undefined;
    if (!k || (members.get(k) ?? 0) < minMembers) return undefined;
    const literals = k.split('\u0001')[1].split(' ').filter((w) => w !== WILDCARD && !STOP.has(w));
    return literals.length >= MIN_LITERALS ? k.split('\u0001')[1] : undefined;
  });
}

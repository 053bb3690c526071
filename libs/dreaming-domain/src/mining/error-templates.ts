/**
 * Drain-style templates over normalized error messages: messages of one step with the same
 * number of tokens and the same first token, equal in most positions, become one template whose
 * differing positions are parameters (`error: pathspec <*> did not match`). The regex
 * normalization only knows the shapes it was written for (ids with digits, paths, numbers);
 * templates catch the variable tokens it does not (a branch name, a ticket key such as
 * `proj-abc`, a module name) once they vary across messages.
 *
 * Deterministic: messages are visited by descending frequency, then alphabetically.
 * Written here rather than taken from a library: the maintained Drain implementations are Python
 * (drain3) or Java; the algorithm's core is this one loop.
 */
export const WILDCARD = '<*>';
/** Share of positions (excluding wildcards already in the template) that must be equal. */
const MIN_SIMILARITY = 0.5;
/**
 * At most one varying position per four tokens (and at least one, at most three): a template is a
 * message with a few slots, not a bag of words. Unrelated messages of the same length rarely
 * agree on all but a quarter of their tokens.
 */
const maxParameters = (length: number) => Math.min(3, Math.max(1, Math.floor(length / 4)));
/** Parameter values kept per slot, as evidence for a reviewer. */
const MAX_VALUES = 8;

export interface ErrorTemplate {
  step: string;
  template: string;
  /** Per wildcard position (in template order): the distinct values seen, most frequent first. */
  parameters: string[][];
  /** The normalized messages the template covers. */
  members: string[];
}

interface Building {
  tokens: string[];
  members: Map<string, number>;
}

function tokenize(message: string): string[] {
  return message.split(' ').filter(Boolean);
}

function similarity(template: readonly string[], tokens: readonly string[]): { equal: number; differing: number } {
  let equal = 0;
  let differing = 0;
  for (let i = 0; i < template.length; i++) {
    if (template[i] === WILDCARD) differing++;
    else if (template[i] === tokens[i]) equal++;
    else differing++;
  }
  return { equal, differing };
}

/** A token that can stand for a value: a word, an id, a name; not a bare punctuation mark. */
const isValueToken = (t: string) => /[a-z0-9_<]/i.test(t);

/**
 * Templates for the messages of each step. `counts` gives each (step, message) its weight
 * (sessions seen), so the most common wording seeds its template.
 */
export function mineErrorTemplates(messages: ReadonlyArray<{ step: string; message: string; weight: number }>): Map<string, ErrorTemplate> {
  const byGroup = new Map<string, Array<{ step: string; message: string; weight: number }>>();
  const merged = new Map<string, { step: string; message: string; weight: number }>();
  for (const m of messages) {
    const key = `${m.step}\u0001${m.message}`;
    const prev = merged.get(key);
    if (prev) prev.weight += m.weight; else merged.set(key, { ...m });
  }
  for (const m of merged.values()) {
    const tokens = tokenize(m.message);
    const group = `${m.step}\u0001${tokens.length}\u0001${tokens[0] ?? ''}`;
    const list = byGroup.get(group) ?? [];
    list.push(m);
    byGroup.set(group, list);
  }
  /** `${step}\u0001${message}` → its template */
  const out = new Map<string, ErrorTemplate>();
  for (const [, list] of [...byGroup].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    list.sort((a, b) => b.weight - a.weight || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0));
    const templates: Building[] = [];
    for (const m of list) {
      const tokens = tokenize(m.message);
      let home: Building | undefined;
      for (const t of templates) {
        const { equal, differing } = similarity(t.tokens, tokens);
        const nextDiffering = t.tokens.filter((x, i) => x === WILDCARD || x !== tokens[i]).length;
        if (tokens.length > 1 && equal / tokens.length >= MIN_SIMILARITY && nextDiffering <= maxParameters(tokens.length) && differing <= maxParameters(tokens.length)
          && t.tokens.every((x, i) => x === tokens[i] || (isValueToken(x) && isValueToken(tokens[i])))) { home = t; break; }
      }
      if (home) {
        home.tokens = home.tokens.map((x, i) => (x === tokens[i] ? x : WILDCARD));
        home.members.set(m.message, m.weight);
      } else {
        templates.push({ tokens: [...tokens], members: new Map([[m.message, m.weight]]) });
      }
    }
    const step = list[0].step;
    for (const t of templates) {
      const slots = t.tokens.flatMap((x, i) => (x === WILDCARD ? [i] : []));
      const parameters = slots.map((i) => {
        const values = new Map<string, number>();
        for (const [msg, w] of t.members) { const v = tokenize(msg)[i]; values.set(v, (values.get(v) ?? 0) + w); }
        return [...values].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, MAX_VALUES).map(([v]) => v);
      });
      const template: ErrorTemplate = { step, template: t.tokens.join(' '), parameters, members: [...t.members.keys()].sort() };
      for (const msg of t.members.keys()) out.set(`${step}\u0001${msg}`, template);
    }
  }
  return out;
}

import { contentTokens } from '../text/tokens';
import { intentOf, ruleReferences } from '../text/corrective-intents';
import type { CorrectionPolarity } from './session-signals.model';

/**
 * Corrective statements in USER messages: "no, …", "don't …", "never …", "always …", "stop …",
 * "use X instead", "I prefer …", "from now on …"; "you edited A, not B" (and "why are you … A, not
 * B?"); a complaint of the lexicon in `corrective-intents` ("don't be lazy", "do it yourself");
 * a pointer to a rule file ("@dont-ignore-errors.mdc"). Other questions are not corrections, nor
 * are quoted lines ("> …", "+ …" of a diff), code blocks and pasted shell sessions.
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
  // Contractions of pronouns and auxiliaries, with and without the apostrophe people often drop.
  "you're", 'youre', "you've", "you'll", "you'd", "we're", "we've", "we'll", "we'd", "they're", "they've", "i've", "i'd", "i'll",
  "isn't", 'isnt', "aren't", 'arent', "wasn't", 'wasnt', "didn't", 'didnt', "doesn't", 'doesnt', "won't", "can't", 'cant',
  "haven't", 'havent', "wouldn't", 'wouldnt', "couldn't", 'couldnt', 'thats', 'whats', 'theres', 'heres',
]);

/** Content tokens of a statement, without polarity words: "that's" is "that", "session's" is "session". */
function tokensOf(text: string): string[] {
  return contentTokens(text.replace(/['\u2019]s\b/gi, ''), MARKERS);
}

export interface CorrectiveStatement {
  text: string;
  normalized: string;
  polarity: CorrectionPolarity;
  /** For a contrast: what to do and what it replaces, as written ("use pnpm", "npm"). */
  prefer?: string;
  over?: string;
}

/** A line the user did not write as prose: a quote, a diff line, a shell prompt, a table row. */
const NOT_PROSE = /^\s*(?:[>+|]|[$❯#]\s|[\w.-]+@[\w.-]+:\S*[$#]|\w+\s*\|\s)/;

/** The user's own prose: fenced code and pasted or quoted lines left out. */
function prose(text: string): string {
  return text.replace(/```[\s\S]*?(?:```|$)/g, '\n').split('\n').filter((l) => !NOT_PROSE.test(l)).join('\n');
}

function sentences(text: string): string[] {
  return prose(text).split(/(?<=[.!?;])\s+|\n+/).map((s) => s.trim()).filter((s) => s.length > 0 && s.length <= 400);
}

export function classifySentence(sentence: string): CorrectiveStatement | undefined {
  // "Use my credit card ending in 7334": a request about the user's own data, not a team preference.
  if (/\b(my|mine)\b/i.test(sentence)) return undefined;
  // A complaint of the lexicon, even as a question ("why didn't you do it yourself?"): keyed by its intent.
  const intent = intentOf(sentence);
  if (intent) return { text: sentence, normalized: `intent:${intent.id}`, polarity: 'do', prefer: intent.instruction };
  const you = youDidContrast(sentence);
  if (you) return you;
  if (/\?\s*$/.test(sentence)) return undefined;
  const noStart = NO_START.test(sentence);
  const body = sentence.replace(LEAD, '').trim();
  let polarity: CorrectionPolarity | undefined;
  if (AVOID.test(body)) polarity = 'avoid';
  else if (DO.test(body) || PREFER.test(sentence)) polarity = 'do';
  else if (noStart && CONTRAST.test(body)) polarity = 'contrast';
  if (!polarity) return parallelContrast(sentence);
  if (polarity !== 'avoid' && CONTRAST.test(body) && /\b(instead|rather than|over|not)\b/i.test(body)) polarity = 'contrast';
  if (polarity === 'avoid' && /,\s*(?:use|do|try|run)\b|\binstead\b/i.test(body)) polarity = 'contrast';
  if (polarity === 'contrast') {
    const d = directed(body);
    if (d.tokens.length < 2) return undefined;
    return { text: sentence, normalized: [...d.tokens].sort().join(' '), polarity, ...(d.prefer && d.over ? { prefer: d.prefer, over: d.over } : {}) };
  }
  const tokens = tokensOf(body);
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
  const plus = tokensOf(object);
  const minus = tokensOf(rejected).filter((t) => !plus.includes(t));
  const tokens = [...plus, ...minus.map((t) => `!${t}`)];
  if (!plus.length || !minus.length) return { tokens };
  // "run the tests with vitest" keeps its own verb; "I prefer pnpm" and a bare "pnpm" read "use pnpm".
  const prefer = usesVerb || !/^(?:run|do|call|write|put|add|keep|set|install|pass|read|create|commit|open|send)\b/i.test(object) ? `use ${object}` : object;
  return { tokens, prefer, over: rejected };
}

/**
 * "you're editing the main workspace, not the session", "why are you editing files in the main
 * workspace, not the session repo?", "you did that in src, not lib": the user names what the agent
 * did (A) and what it should have done (B). The key is the first content word of each side
 * (`session !main`), so "the session repo", "the session workspace" and "the session one" meet, and
 * "you're using npm, not pnpm" meets "use pnpm, not npm".
 */
const YOU_DID = /^(?:(?:i think|i guess|i see|looks like|it looks like|seems like|it seems|but|and|so|also|now|again|why (?:are|did|do|were|have|is))\s+)*you(?:'re|'ve| are| were| have| had)?\s+(?!not\b|n'?t\b)(.+?)(?:,\s*|\s+(?:and|but)\s+)not\s+(.+)$/i;
const PLACE = /\b(?:in|inside|into|on|from|to|at|under|within|with|using|via|through)\s+(?!order\b)/gi;
/** Sides that judge instead of naming a thing: "not right", "not what I asked". */
const VAGUE = new Set(['right', 'wrong', 'correct', 'good', 'bad', 'what', 'how', 'why', 'one', 'actual', 'real', 'same', 'other', 'new', 'old', 'whole', 'true', 'sure', 'enough', 'anything', 'everything', 'something', 'nothing', 'necessary', 'needed', 'done']);

function youDidContrast(sentence: string): CorrectiveStatement | undefined {
  const m = YOU_DID.exec(sentence.replace(LEAD, '').trim());
  if (!m) return undefined;
  const did = m[1].trim();
  let places = [...did.matchAll(PLACE)];
  const last = places[places.length - 1];
  // Without a preposition the thing is the verb's object: "editing the main workspace".
  const over = (last ? did.slice(last.index + last[0].length) : did.replace(/^\S+\s+/, '')).replace(/\s+(?:again|now|instead|too)$/i, '').trim();
  const preferRaw = m[2].split(/[,.;!?:()]|\s-\s|\s(?:and|but|so|because|since|which|that's|thats|as)\s/i)[0].trim();
  places = [...preferRaw.matchAll(PLACE)];
  const prefer = (places[0]?.index === 0 ? preferRaw.slice(places[0][0].length) : preferRaw).trim();
  if (!last && did.split(/\s+/).length < 2) return undefined;
  if (over.split(/\s+/).length > 6 || prefer.split(/\s+/).length > 6) return undefined;
  const [a] = tokensOf(over);
  const [b] = tokensOf(prefer);
  if (!a || !b || a === b || VAGUE.has(a) || VAGUE.has(b)) return undefined;
  const where = last && /^(?:in|inside|into|on|from|at|under|within)\s/i.test(last[0]);
  return { text: sentence, normalized: [b, `!${a}`].sort().join(' '), polarity: 'contrast', prefer: `${where ? 'work in' : 'use'} ${prefer}`, over };
}

/** Words after "not" that do not start a thing: "not only", "not sure", "not yet", "not working". */
const NOT_A_THING = /^(?:only|just|sure|yet|really|necessarily|even|all|always|much|many|quite|too|very|so|as|that|this|it|to|be|been|being|working|work|worked|done|needed|necessary|bad|good|right|wrong|correct|what|how|why|when|where|if|because)\b/i;
const NOT_SPLIT = /^(.*?[^\s,])(?:,\s*|\s+(?:and|but)\s+)not\s+(.+)$/i;
const SIDE_END = /[,.;!?:()\u2014\u2013]|\s-\s|\s(?:and|but|so|because|since|which|rather|instead|as|unless|if|when)\s/i;

/**
 * A choice stated in passing: "(domain modules, not cli commands)", "we want to test the domain
 * module, not the cli command", "it should call the domain methods, not the cli commands". The
 * rejected side (after "not") is aligned with as many words at the end of the preferred side, and
 * keyed like "you did A, not B" by the first content word of each (`domain !cli`).
 */
function parallelContrast(sentence: string): CorrectiveStatement | undefined {
  if (/\?\s*$/.test(sentence)) return undefined;
  const m = NOT_SPLIT.exec(sentence);
  if (!m || NOT_A_THING.test(m[2])) return undefined;
  const clauses = m[1].split(/[,:;!()\u2014\u2013]|\.(?=\s|$)|\s-\s/);
  const preferred = clauses[clauses.length - 1].trim();
  // "I only want to cancel the hose, not the entire order": a request about the speaker's own things, not a standing choice.
  if (/\bi\b/i.test(preferred)) return undefined;
  const over = m[2].split(SIDE_END)[0].trim();
  const overWords = over.split(/\s+/).filter(Boolean);
  if (!overWords.length || overWords.length > 6) return undefined;
  // The preferred thing starts at the last article or preposition ("call the domain methods",
  // "updated using `minsky`"), else it is as many words as the rejected one.
  const starts = [...preferred.matchAll(/\b(?:the|a|an|this|that|these|those|its|our|their)\s+/gi)].map((x) => x.index)
    .concat([...preferred.matchAll(PLACE)].map((x) => x.index + x[0].length))
    .filter((i) => i < preferred.length);
  const lastWords = preferred.split(/\s+/).slice(-overWords.length).join(' ');
  const fromStart = starts.length ? preferred.slice(Math.max(...starts)) : lastWords;
  // "the rules should be cursor rules, not plain markdown": a start that takes a whole clause is no start.
  const tail = fromStart.split(/\s+/).length <= overWords.length + 2 ? fromStart : lastWords;
  const [a] = tokensOf(tail);
  const [b] = tokensOf(over);
  if (!a || !b || a === b || VAGUE.has(a) || VAGUE.has(b)) return undefined;
  return { text: sentence, normalized: [a, `!${b}`].sort().join(' '), polarity: 'contrast', prefer: `use ${tail}`, over };
}

export function correctiveStatements(text: string): CorrectiveStatement[] {
  const out: CorrectiveStatement[] = [];
  const rules = new Set<string>();
  for (const s of sentences(text)) {
    const c = classifySentence(s);
    if (c) out.push(c);
    // A complaint of the lexicon can also state a choice: "write tests …, on the domain modules, not the cli commands".
    const also = c?.normalized.startsWith('intent:') ? youDidContrast(s) ?? parallelContrast(s) : undefined;
    if (also) out.push(also);
    // "@dont-ignore-errors.mdc", "fix the tests @dont-ignore-errors.mdc": follow that rule (once per message).
    for (const r of ruleReferences(s)) {
      if (rules.has(r.key)) continue;
      rules.add(r.key);
      out.push({ text: s, normalized: r.key, polarity: 'do', prefer: `Follow the project rule \`${r.rule}\` without waiting to be pointed to it` });
    }
  }
  return out;
}

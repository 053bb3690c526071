/**
 * Corrections that users of coding agents make in many different words but that mean one thing
 * (an "intent"), and references to the project's own rule files. Both give a corrective statement
 * a key that does not depend on its wording, so that "do not return do all your tasks then return"
 * and "you have not fixed all the issues, go back" meet. The lexicon is deliberately small: only
 * complaints about the agent's own conduct, and requests a user keeps having to make, that hold in
 * any software project, each with the imperative a reviewer would approve. A complaint or request
 * becomes a lesson only when it recurs (the preference miner's thresholds). Pure and deterministic.
 */
export interface CorrectiveIntent {
  id: string;
  /** The lesson, as an imperative, without a final period. */
  instruction: string;
  /** Any of these, on one sentence, states the intent. */
  patterns: readonly RegExp[];
  /** A sentence that matches this says the opposite ("don't push yet"): not the intent. */
  unless?: RegExp;
}

const NOT = String.raw`(?:don'?t|do not|dont|never)`;
/** "don't …", "no need to …", "without …" before the action: the request is withdrawn, not made. */
const negated = (action: string) => new RegExp(String.raw`\b(?:${NOT}|no need to|without|not yet|shouldn'?t|should not|stop|wait before)\b[^.;]*\b(?:${action})`, 'i');

export const CORRECTIVE_INTENTS: readonly CorrectiveIntent[] = [
  {
    id: 'finish-all',
    instruction: 'Finish every item of the task before returning: do not stop after the first one or leave the rest as lower priority; keep going until all of them are done and the checks pass',
    patterns: [
      // "don't be lazy", "without being lazy", "you're being lazy" (never "lazy loading").
      /\b(?:be|being|are|so|too|stop being|you'?re)\s+lazy\b(?!\s*-?\s*(?:load|init|eval|import|evaluat))/i,
      // "do not return, do all your tasks", "don't stop until all checks pass" (never "don't return null").
      new RegExp(String.raw`\b${NOT}\s+(?:stop|return|give up)(?:\s+(?:working|yet|early|now))?(?=\s*(?:$|[,.;!]|until\b|till\b|before\b|unless\b|do\b|and\b|keep\b|continue\b|finish\b|go\b))`, 'i'),
      /\bdo all (?:of )?(?:your|the|these|those|remaining|my) (?:tasks|items|issues|todos|steps|fixes)\b/i,
      /\byou (?:have not|haven'?t|did not|didn'?t|still haven'?t) (?:fix|fixed|finish|finished|complete|completed|resolve|resolved|do|done|address|addressed) all\b/i,
      /\b(?:until|till) (?:all|every|everything|none|nothing)\b[^.;]*\b(?:pass|passes|done|fixed|green|remain|remains|left|resolved|complete)\b/i,
    ],
  },
  {
    id: 'act-dont-ask',
    instruction: 'When the next step is obvious, do it yourself: do not ask the user for confirmation or tell them what to run',
    patterns: [
      /\b(?:do|apply|make|write|fix|handle|implement|change|edit) (?:it|this|that|them|these|those|(?:the|these|those|that|this) [\w-]+(?: [\w-]+)?) yourself\b/i,
      new RegExp(String.raw`\b(?:${NOT}|stop)\s+(?:just\s+)?tell(?:ing)?\s+me\s+(?:what|how)\s+to\b`, 'i'),
      new RegExp(String.raw`\b(?:${NOT}|stop)\s+ask(?:ing)?\s+(?:me\s+)?(?:for\s+)?(?:questions|confirmation|permission|whether|if|before)\b`, 'i'),
      /\b(?:do (?:it|this|that)|go ahead|proceed|just do)\b[^.;?]*\bwithout asking\b/i,
    ],
  },
  // Requests a user keeps having to make: the agent should do these unprompted.
  {
    id: 'commit-and-push',
    instruction: 'Commit finished work and push it right away; before saying a task is ready, check that every change is committed and pushed',
    patterns: [
      /\bcommit(?:ted|ting)?\s*(?:and|&|\/|\+)\s*push(?:ed)?\b/i,
      /\bdid you (?:also )?push\b/i,
      /\bpush (?:right )?after (?:making |each |every )?commit/i,
    ],
    unless: negated('push'),
  },
  {
    id: 'merge-upstream-first',
    instruction: 'Before working on or finishing a task branch, merge the latest origin/main into it, resolve the conflicts one by one and rerun the tests',
    patterns: [
      /\b(?:pull|merge|rebase)\s+(?:in\s+|from\s+|onto\s+|on\s+)?(?:the\s+)?(?:latest\s+(?:changes\s+)?(?:from\s+)?)?(?:origin\/(?:main|master)|upstream)\b/i,
      /\bpull\s+in\s+(?:the\s+)?(?:latest\s+(?:changes\s+)?(?:from\s+)?)?(?:main|master)\b/i,
    ],
    unless: negated('pull|merge|rebase'),
  },
  {
    id: 'cover-with-test',
    instruction: 'Cover every bug fix and behaviour change with a test; for a bug, first write a test that fails on the current behaviour, then fix it',
    patterns: [
      /\bcover(?:s|ed|ing)?\b[^.;?]{0,40}?\bwith (?:a |some |unit )?tests?\b/i,
      /\b(?:write|add|create|make)\s+(?:a\s+|some\s+)?(?:failing\s+)?tests?\s+(?:first\b|that fails\b|to cover\b)/i,
      /\bfirst (?:make|write|create|add) a (?:failing )?test\b/i,
      /\bdid (?:you|we) (?:create|write|add|make) (?:any |a |some )?tests?\b/i,
      /\bfailing tests? (?:first|before)\b/i,
    ],
    unless: negated('tests?'),
  },
  {
    id: 'demonstrate-by-running',
    instruction: 'Before calling a change done, demonstrate it: run the changed command yourself in the relevant setting and show the output; passing unit tests alone are not proof',
    patterns: [
      /\bdemonstrat(?:e|es|ing)\b[^.;]{0,40}\b(?:works?|working|for me|to me)\b/i,
      /\bshow me (?:that )?(?:it|the fix|this|the change|that)\b[^.;?]{0,30}\bwork(?:s|ed|ing)?\b/i,
      /\b(?:run|try|test)(?:ning)? (?:the (?:program|command|cli|tool)|it) (?:yourself|ourselves)\b/i,
    ],
  },
  {
    id: 'progress-notes',
    instruction: "Before you stop, update the status file or the task's work log yourself: what was done, what remains and the next steps",
    patterns: [
      /\b(?:update|updating|document|record|write|add)\b[^.;?]{0,80}\b(?:work ?log|[\w-]*status\.md|progress(?:\.md| notes| log)|remaining work)\b/i,
      /\b(?:work ?log|[\w-]*status\.md)\b[^.;?]{0,20}\bupdate\b/i,
      /\b(?:didn'?t|did not|forgot to|never) update (?:the |your )?(?:work ?log|status(?:\.md| file)?|progress)\b/i,
    ],
    unless: new RegExp(String.raw`\b(?:${NOT}|no need to|shouldn'?t|should not)\s+(?:update|touch|edit)\b`, 'i'),
  },
];

const BY_ID = new Map(CORRECTIVE_INTENTS.map((i) => [i.id, i]));

export function intentById(id: string): CorrectiveIntent | undefined {
  return BY_ID.get(id);
}

/** "they should update the task spec …": a description of what others (agents, users, a command) do, not an address to the agent. */
const ABOUT_OTHERS = /^(?:(?:in addition|also|and|then|so),?\s+)?(?:they|the agents?|agents|the users?|users|it|this|the (?:command|rule|tool|script))\s+(?:should|must|will|would|can|needs? to)\b/i;

/** The intent a sentence states, if any (the first of the lexicon that matches). */
export function intentOf(sentence: string): CorrectiveIntent | undefined {
  if (ABOUT_OTHERS.test(sentence)) return undefined;
  return CORRECTIVE_INTENTS.find((i) => i.patterns.some((p) => p.test(sentence)) && !i.unless?.test(sentence));
}

/**
 * Rule files an agent is given by its harness: Cursor rules (`@name.mdc`) and the instruction files
 * of Claude Code, Codex and others. A user who points the agent at one after it acted is telling it
 * to follow that rule.
 */
const RULE_FILE = /(?:^|[\s(`'"]|(?=@))@?((?:[\w-]+\/)*([a-z0-9][\w-]*)\.mdc|(?:CLAUDE|AGENTS|GEMINI)\.md|\.cursorrules|copilot-instructions\.md)\b/gi;
/** A clause that edits or discusses the rule instead of invoking it ("update the @x.mdc rule"). */
const EDITS_RULE = /\b(?:update|updating|modify|modifying|edit|editing|improve|improving|change|changing|rename|renaming|create|creating|add|adding|write|writing|delete|deleting|remove|removing|merge|condense|simplify|review|reviewing|analy[sz]e|captures?|duplicat\w*|make (?:a|the|it|that|this|an))\b(?:(?![,;:]|\band\b|\bthen\b).)*$/i;

export interface RuleReference {
  /** The rule as a file name: a Cursor rule lower-cased with underscores as dashes (`dont-ignore-errors.mdc`), else as written (`CLAUDE.md`). */
  rule: string;
  /** Clustering key: `rule:dont-ignore-errors`. */
  key: string;
}

/** Rule files a sentence points to, in order, without the ones it only edits or discusses. */
export function ruleReferences(sentence: string): RuleReference[] {
  const out: RuleReference[] = [];
  for (const m of sentence.matchAll(RULE_FILE)) {
    const before = sentence.slice(0, m.index);
    if (EDITS_RULE.test(before)) continue;
    // Cursor rules by their lower-cased name; CLAUDE.md and the like as they are spelt.
    const file = m[2] ? `${m[2]}.mdc`.toLowerCase().replace(/_/g, '-') : m[1].replace(/^.*\//, '');
    const key = `rule:${file.toLowerCase().replace(/\.(?:mdc|md)$/, '').replace(/^\./, '')}`;
    if (!out.some((r) => r.key === key)) out.push({ rule: file, key });
  }
  return out;
}

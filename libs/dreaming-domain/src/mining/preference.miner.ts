import type { LessonCandidate } from '@reverie/contracts';
import { preferenceUsersNeeded, type DreamThresholds } from '../thresholds';
import type { CorrectionSignal, SessionSignals } from '../signals/session-signals.model';
import { confidenceOf } from '../stats/confidence.score';
import { clusterBySimilarity, coreTokens, splitAroundCentroids } from './similarity.cluster';
import { contentTokens, jaccard } from '../text/tokens';
import { fingerprintOf, refsOf, scopeOf, supportOf, type Occurrence } from './evidence';
import { templateText } from '../writer/template.writer';

/**
 * Preferences: corrective statements from USER messages, clustered across sessions. One user
 * repeating a demand in one session counts once; a preference needs `minSessions` sessions and,
 * where users corroborate (see `Corroboration`), `minPreferenceUsers` distinct users. Statements of opposite polarity in one cluster
 * ("always X" and "never X") contradict each other: nothing is proposed.
 */
export function minePreferences(tenantId: string, sessions: readonly SessionSignals[], t: DreamThresholds): LessonCandidate[] {
  // Who is in the tenant: sessions that name a user or hold a statement. A session without any
  // user message (a harness fragment, a summary-only file) is nobody's, not a second anonymous user.
  const needed = preferenceUsersNeeded(t, sessions.filter((s) => s.userId !== undefined || s.corrections.length > 0));
  const keys: string[] = [];
  const byKey = new Map<string, Array<{ c: CorrectionSignal; s: SessionSignals }>>();
  for (const s of sessions) {
    for (const c of s.corrections) {
      let list = byKey.get(c.normalized);
      if (!list) { list = []; byKey.set(c.normalized, list); keys.push(c.normalized); }
      list.push({ c, s });
    }
  }
  keys.sort();
  const tokenSets = keys.map((k) => k.split(' '));
  const sessionsOfKey = keys.map((k) => new Set((byKey.get(k) ?? []).map(({ s }) => s.sessionId)).size);
  const clusters = clusterBySimilarity(tokenSets, t.similarity)
    .flatMap((members) => splitAroundCentroids(members, (i) => tokenSets[i], (i) => sessionsOfKey[i], t.similarity));
  const groups = clusters.map((members) => {
    const statements = members.flatMap((i) => byKey.get(keys[i]) ?? []);
    return { members, statements, core: coreTokens(members.map((i) => tokenSets[i])), sessions: new Set(statements.map(({ s }) => s.sessionId)).size };
  });
  const directed = groups.filter((g) => g.core.some((x) => x.startsWith('!')));
  const out: LessonCandidate[] = [];
  for (const { statements, core } of groups) {
    const occurrences: Occurrence[] = statements.map(({ c, s }) => ({ session: s, eventId: c.eventId, at: c.at, userId: c.userId, excerpt: c.text }));
    const support = supportOf(occurrences);
    if (support.sessions < t.minSessions || support.distinctUsers < needed.users) continue;
    const polarities = new Set(statements.map(({ c }) => c.polarity));
    if (polarities.has('do') && polarities.has('avoid')) continue;
    // "use X, not Y" against "use Y, not X": propose the majority only when it outweighs the other side 2 to 1.
    const mirror = core.map((x) => (x.startsWith('!') ? x.slice(1) : `!${x}`));
    const contradicting = core.some((x) => x.startsWith('!'))
      ? directed.filter((g) => g.core !== core && jaccard(g.core, mirror) >= t.similarity).reduce((n, g) => n + g.sessions, 0)
      : 0;
    if (contradicting * 2 > support.sessions) continue;
    const representative = pickRepresentative(statements.map(({ c, s }) => ({ c, sessionId: s.sessionId })));
    const contrast = representative.polarity === 'contrast' ? contrastOf(statements.map(({ c, s }) => ({ c, sessionId: s.sessionId }))) : undefined;
    const instruction = keyedByMeaning(core) ? instructionOf(statements.map(({ c, s }) => ({ c, sessionId: s.sessionId }))) : undefined;
    const sessionSet = new Map(statements.map(({ s }) => [s.sessionId, s] as const));
    const candidate: LessonCandidate = {
      kind: 'preference',
      scope: scopeOf(tenantId, sessionSet.values()),
      text: '-',
      fingerprint: fingerprintOf('preference', tenantId, core.join(' ')),
      support,
      effectSize: null,
      confidence: confidenceOf({ hits: support.sessions, trials: support.sessions + contradicting, sessions: support.sessions, minSessions: t.minSessions, users: support.distinctUsers, minUsers: needed.users }),
      evidence: { refs: refsOf(occurrences), counts: { statements: statements.length, sessions: support.sessions, users: support.distinctUsers, contradictingSessions: contradicting } },
      facts: { pattern: 'preference', statement: representative.text, polarity: representative.polarity, keyTokens: core, ...(contrast ?? {}), ...(instruction ?? {}), source: 'user messages only', corroboratedBy: needed.by },
    };
    candidate.text = templateText(candidate);
    out.push(candidate);
  }
  return out;
}

/** The most common wording (counted once per session), then the shortest, then alphabetical. */
function pickRepresentative(statements: ReadonlyArray<{ c: CorrectionSignal; sessionId: string }>): CorrectionSignal {
  const sessionsPerWording = new Map<string, Set<string>>();
  const firstOfWording = new Map<string, CorrectionSignal>();
  for (const { c, sessionId } of statements) {
    const w = c.text.toLowerCase().replace(/[^a-z0-9 ]+/g, ' ').replace(/\s+/g, ' ').trim();
    const set = sessionsPerWording.get(w) ?? new Set<string>();
    set.add(sessionId);
    sessionsPerWording.set(w, set);
    const prev = firstOfWording.get(w);
    if (!prev || c.text < prev.text) firstOfWording.set(w, c);
  }
  const [best] = [...sessionsPerWording].sort((a, b) => b[1].size - a[1].size || a[0].length - b[0].length || (a[0] < b[0] ? -1 : 1));
  return firstOfWording.get(best[0]) ?? statements[0].c;
}

const MAX_EXAMPLE = 160;

/** A key that names a meaning, not words: a complaint of the intent lexicon or a rule file (`intent:finish-all`, `rule:dont-ignore-errors`). */
function keyedByMeaning(core: readonly string[]): boolean {
  return core.length === 1 && /^(?:intent|rule):/.test(core[0]);
}

/** The longest statement up to 160 characters (the one that says the most), else the first, cut. */
function exampleOf(statements: ReadonlyArray<{ c: CorrectionSignal }>): string {
  const examples = statements.map(({ c }) => c.text).filter((x) => x.length <= MAX_EXAMPLE).sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  return examples[0] ?? statements[0].c.text.slice(0, MAX_EXAMPLE);
}

/**
 * For a cluster keyed by meaning: the imperative the classifier gave it (every statement carries
 * the same one) and, as an example, the most typical of the user's own words: the statement
 * closest to all the others (content tokens, Jaccard), a statement before a question, one that
 * says more than the bare rule name, then the shorter, then alphabetical.
 */
function instructionOf(statements: ReadonlyArray<{ c: CorrectionSignal; sessionId: string }>): { instruction: string; example: string } | undefined {
  const instructions = [...new Set(statements.map(({ c }) => c.prefer).filter((x): x is string => typeof x === 'string'))].sort();
  if (!instructions.length) return undefined;
  const texts = [...new Set(statements.map(({ c }) => c.text))].sort();
  const tokens = texts.map((x) => contentTokens(x.replace(/@?[\w/-]+\.mdc\b/gi, ' ')));
  const scored = texts
    .map((text, i) => ({ text, question: /\?\s*$/.test(text), said: tokens[i].length >= 2, closeness: tokens.reduce((n, other, j) => n + (i === j ? 0 : jaccard(tokens[i], other)), 0) }))
    .filter((x) => x.text.length <= MAX_EXAMPLE);
  scored.sort((a, b) => Number(b.said) - Number(a.said) || Number(a.question) - Number(b.question) || b.closeness - a.closeness || a.text.length - b.text.length || (a.text < b.text ? -1 : 1));
  return { instruction: instructions[0], example: scored[0]?.text ?? exampleOf(statements) };
}

/**
 * For a contrast: the most common "what over what" pair as users wrote it ("use pnpm" over "npm"),
 * and, as an example, the statement that says the most (the longest one up to 160 characters,
 * which is usually the one giving the reason: "… we only commit pnpm-lock.yaml").
 */
function contrastOf(statements: ReadonlyArray<{ c: CorrectionSignal; sessionId: string }>): { prefer: string; over: string; example: string } | undefined {
  const pairs = new Map<string, Set<string>>();
  for (const { c, sessionId } of statements) {
    if (!c.prefer || !c.over) continue;
    const key = `${c.prefer.toLowerCase()}\u0000${c.over.toLowerCase()}`;
    pairs.set(key, (pairs.get(key) ?? new Set()).add(sessionId));
  }
  const [best] = [...pairs].sort((a, b) => b[1].size - a[1].size || a[0].length - b[0].length || (a[0] < b[0] ? -1 : 1));
  if (!best) return undefined;
  const [prefer, over] = best[0].split('\u0000');
  return { prefer, over, example: exampleOf(statements) };
}

import type { LessonCandidate } from '@reverie/contracts';
import type { DreamThresholds } from '../thresholds';
import type { RetrySignal, SessionSignals } from '../signals/session-signals.model';
import { isEmptyChange } from '../signals/input-change';
import { confidenceOf, round3 } from '../stats/confidence.score';
import { fingerprintOf, hasKnownOutcome, isFailed, refsOf, scopeOf, supportOf, type Occurrence } from './evidence';
import { templateText } from '../writer/template.writer';
import { quoteLine } from '../text/error-quote';
import { mineErrorTemplates, WILDCARD } from './error-templates';
import { describeStep, isShellTool, toolOfStep } from '../signals/step-key';
import { isInformativeTemplate, specificity } from './pitfall';

/** A fix the retries point at: a step run before the retry, or an input that changed. */
export interface FixFact {
  type: 'run-before' | 'add-key' | 'remove-key' | 'change-key' | 'add-flag' | 'remove-flag' | 'replace-command';
  value: string;
  /** Sessions whose recovered retry made this change, out of `of` sessions with a recovered retry. */
  sessions: number;
  of: number;
  /** For run-before: input keys the recovered retries took from that step's output. */
  usesKeysFromIt?: string[];
  /** For run-before on a shell step: the command line it ran most often, and in how many sessions exactly that. */
  command?: string;
  commandSessions?: number;
  /** For replace-command: the most common failing and replacing commands as written, and the sessions that tried the replacement. */
  from?: string;
  to?: string;
  tried?: number;
}

/**
 * Tool output that reads like an instruction to the model (or asks to move a secret somewhere) is
 * quoted in evidence only, never in the lesson text. Merely naming a password or a token ("a
 * terminal is required to read the password") is not an instruction.
 */
const INSTRUCTION_LIKE = /\b(always|never|ignore (all|previous|the above)|you must|you should|disregard|exfiltrate)\b|\b(send|forward|e-?mail|post|upload|paste)\b.{0,40}\b(credentials?|passwords?|api[ _-]?keys?|tokens?|secrets?)\b/i;

/** The error names the input: the key itself (`replace_all`), or every word of it (`old_string` → "old", "string"). */
function mentions(errorText: string, name: string): boolean {
  // The signature starts with the tool that reported it (`bash: …`): only the message counts.
  const text = errorText.slice(errorText.indexOf(': ') + 2).toLowerCase();
  const bare = name.replace(/^-+/, '').toLowerCase();
  if (text.includes(bare)) return true;
  const words = bare.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length >= 3);
  return words.length > 0 && words.every((w) => text.includes(w));
}

/** Shell commands that edit files: running one in between is fixing the code, not a step to run first. */
const EDITING_COMMAND = /^(?:sed|awk|perl|patch|echo|printf|cat|tee|cp|mv|rm|touch|git (?:apply|checkout|restore|stash))\b/;

/**
 * A step run between the failure and the recovered retry is a plausible "run it first" fix when
 * the retry took its inputs from that step's output, when the error names the step, or when it
 * is a command that prepares something (`npm run build`, `bun install`); not when it is a
 * lookup or an edit that happened to come in between.
 */
function plausibleRunBefore(r: RetrySignal, step: string): boolean {
  if (r.change.keysFromBetween.length > 0) return true;
  const label = describeStep(step);
  if (mentions(r.signature, toolOfStep(step)) || (label !== step && mentions(r.signature, label))) return true;
  return label !== step && !EDITING_COMMAND.test(label);
}

/**
 * The changes of a retry that plausibly fixed the error: a replacing command or a step run
 * before it, or an input change that the error names or that is the only change made. An
 * argument that changed alongside others and that the error never mentions is no fix.
 */
function fixCandidates(r: RetrySignal): string[] {
  // Another command in place of the failing one: that replacement is the fix, not its input diff.
  if (r.replacement) return [`replace-command\u0000${r.replacement.step}`];
  const out: string[] = [];
  for (const s of r.between) if (plausibleRunBefore(r, s)) out.push(`run-before\u0000${s}`);
  const c = r.change;
  const changes: Array<[string, string]> = [
    ...c.addedKeys.map((k) => ['add-key', k] as [string, string]), ...c.removedKeys.map((k) => ['remove-key', k] as [string, string]),
    ...c.changedKeys.map((k) => ['change-key', k] as [string, string]), ...c.addedFlags.map((f) => ['add-flag', f] as [string, string]),
    ...c.removedFlags.map((f) => ['remove-flag', f] as [string, string]),
  ];
  for (const [type, value] of changes) {
    // Another command line is a different command, not a fix of this one (a replacing command is handled above).
    if (isShellTool(r.tool) && ['command', 'cmd', 'script'].includes(value)) continue;
    if (changes.length === 1 || mentions(r.signature, value) || c.keysFromBetween.includes(value)) out.push(`${type}\u0000${value}`);
  }
  return out;
}

/** The change made by the most sessions whose retry recovered (≥ 2 sessions and ≥ half of them). */
export function inferFix(retries: ReadonlyArray<{ sessionId: string; retry: RetrySignal }>): FixFact | undefined {
  const recoveredSessions = new Set<string>();
  const bySessions = new Map<string, Set<string>>();
  for (const { sessionId, retry } of retries) {
    if (!retry.recovered) continue;
    recoveredSessions.add(sessionId);
    for (const f of fixCandidates(retry)) {
      const set = bySessions.get(f) ?? new Set<string>();
      set.add(sessionId);
      bySessions.set(f, set);
    }
  }
  const of = recoveredSessions.size;
  let best: [string, number] | undefined;
  for (const [k, set] of [...bySessions].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (!best || set.size > best[1]) best = [k, set.size];
  }
  if (!best || best[1] < 2 || best[1] * 2 < of) return undefined;
  const [type, value] = best[0].split('\u0000') as [FixFact['type'], string];
  const supporting = best[1];
  const fix: FixFact = { type, value, sessions: supporting, of };
  if (type === 'run-before') {
    // Keys whose new value came from that step's output in at least half of the recovered sessions.
    const byKey = new Map<string, Set<string>>();
    for (const { sessionId, retry } of retries) {
      if (!retry.recovered || !retry.between.includes(value)) continue;
      for (const k of retry.change.keysFromBetween) byKey.set(k, (byKey.get(k) ?? new Set()).add(sessionId));
    }
    const keys = [...byKey].filter(([, ids]) => ids.size * 2 >= supporting).map(([k]) => k).sort();
    if (keys.length) fix.usesKeysFromIt = keys;
    const ran = retries.flatMap(({ retry }) => (retry.recovered && retry.betweenCommands?.[value] ? [retry.betweenCommands[value]] : []));
    const command = mostCommon(ran);
    if (command) Object.assign(fix, { command, commandSessions: ran.filter((c) => c === command).length });
  }
  if (type === 'replace-command') {
    const pairs = new Map<string, Set<string>>();
    const tried = new Set<string>();
    for (const { sessionId, retry } of retries) {
      if (retry.replacement?.step !== value) continue;
      tried.add(sessionId);
      if (!retry.recovered) continue;
      const key = `${retry.replacement.from}\u0000${retry.replacement.to}`;
      pairs.set(key, (pairs.get(key) ?? new Set()).add(sessionId));
    }
    const [pair] = [...pairs].sort((a, b) => b[1].size - a[1].size || a[0].length - b[0].length || (a[0] < b[0] ? -1 : 1));
    if (pair) [fix.from, fix.to] = pair[0].split('\u0000');
    fix.tried = tried.size;
  }
  return fix;
}

/** The value seen most often (ties: the shorter, then the first in order). */
function mostCommon(values: readonly string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].length - b[0].length || (a[0] < b[0] ? -1 : 1))[0]?.[0];
}

/** The original error line most sessions saw (older stored signals have no quote: their excerpt stands in). */
function representativeQuote(quotes: ReadonlyMap<string, Set<string>>): string | undefined {
  const [best] = [...quotes].sort((a, b) => b[1].size - a[1].size || a[0].length - b[0].length || (a[0] < b[0] ? -1 : 1));
  return best?.[0];
}

interface Cluster {
  key: string;
  /** The step most of its errors came from (set once all are seen). */
  step: string;
  /** Steps → errors seen there. */
  steps: Map<string, number>;
  tools: Set<string>;
  /** The tool of `step` (set with it). */
  tool: string;
  /** The template's message, with `<*>` slots. */
  message: string;
  /** `tool: message` (set once the step is known). */
  signature: string;
  /** The signatures the template covers. */
  members: Set<string>;
  parameters: string[][];
  /** Remedies the error texts state → sessions that saw them. */
  remedies: Map<string, Set<string>>;
  /** Salient lines of the most common output. */
  salient?: string[];
  /** The step the agent went on with after the error, when it succeeded → sessions. */
  nextWorked: Map<string, Set<string>>;
  occurrences: Occurrence[];
  sessions: Map<string, SessionSignals>;
  retries: Array<{ sessionId: string; retry: RetrySignal; eventId: string }>;
  /** Original error line → sessions that saw it. */
  quotes: Map<string, Set<string>>;
}

/** `find_user_id_by_email` → `find`, `Bash(go build)` → `go`: the verb or program a step starts with. */
function leadWord(step: string): string {
  const m = /^[^(]+\((.+)\)$/.exec(step);
  return (m ? m[1] : step).toLowerCase().split(/[\s_.:-]+|(?<=[a-z])(?=[A-Z])/)[0] ?? '';
}

/**
 * The next step is an alternative to the failing one (another way of doing the same thing:
 * `find_user_id_by_email` → `find_user_id_by_name_zip`), not merely what came next (a lookup,
 * a hand-off to a human).
 */
const isAlternative = (failing: string, next: string) => leadWord(failing) !== '' && leadWord(failing) === leadWord(next);

/** Specific words from which one message is one failure whatever tool reported it. */
const CROSS_TOOL_WORDS = 3;

/** `tool: message` → the message. */
const messageOf = (signature: string, tool: string) => (signature.startsWith(`${tool}: `) ? signature.slice(tool.length + 2) : signature);

/**
 * Recurring errors, clustered by step and Drain template (the same failure naming another
 * branch, ticket or module is one pattern). A cluster meeting the support thresholds becomes a
 * lesson: with a fix when the recovered retries show one (a step run before, a changed input, a
 * replacing command), "do not retry unchanged" when identical retries kept failing, and otherwise
 * a pitfall (what fails, where, how often, and the remedy the error text states, or honestly
 * that no fix is known) when its template says something specific. Keys of every recurring
 * cluster go into `recurring` (when given), as `step \u0001 signature`, so other miners know
 * the failures it explains.
 */
export function mineErrorClusters(tenantId: string, sessions: readonly SessionSignals[], t: DreamThresholds, recurring?: Set<string>): LessonCandidate[] {
  const weights: Array<{ step: string; message: string; weight: number }> = [];
  for (const s of sessions) {
    const seen = new Set<string>();
    for (const e of s.errors) {
      const key = `${e.tool}\u0001${e.signature}`;
      if (seen.has(key)) continue;
      seen.add(key);
      weights.push({ step: e.tool, message: messageOf(e.signature, e.tool), weight: 1 });
    }
  }
  const templates = mineErrorTemplates(weights);
  /**
   * Where a pattern's boundary lies: a message that says something specific is the same failure
   * in any step of its tool (`go build` and `go test` both reporting "imported and not used"), and
   * a long specific one in any tool ("file has not been read yet" from Edit and Write); a vague
   * one only within its step.
   */
  const clusterKeyOf = (step: string, tool: string, signature: string) => {
    const message = templates.get(`${tool}\u0001${messageOf(signature, tool)}`)?.template ?? messageOf(signature, tool);
    const words = specificity(message);
    const key = words >= CROSS_TOOL_WORDS ? `*\u0001${message}` : words >= 2 ? `${tool}(*)\u0001${message}` : `${step}\u0001${tool}: ${message}`;
    return { key, message, tpl: templates.get(`${tool}\u0001${messageOf(signature, tool)}`) };
  };
  const clusters = new Map<string, Cluster>();
  const stepSessions = new Map<string, number>();
  for (const s of sessions) {
    for (const step of new Set(s.toolSequence)) stepSessions.set(step, (stepSessions.get(step) ?? 0) + 1);
    for (const e of s.errors) {
      const { key, message, tpl } = clusterKeyOf(e.step, e.tool, e.signature);
      let c = clusters.get(key);
      if (!c) {
        c = {
          key, step: e.step, steps: new Map(), tools: new Set(), tool: e.tool, message, signature: `${e.tool}: ${message}`, members: new Set(), parameters: tpl?.parameters ?? [],
          remedies: new Map(), nextWorked: new Map(), occurrences: [], sessions: new Map(), retries: [], quotes: new Map(),
        };
        clusters.set(key, c);
      }
      c.steps.set(e.step, (c.steps.get(e.step) ?? 0) + 1);
      c.tools.add(e.tool);
      c.members.add(`${e.step}\u0001${e.signature}`);
      c.occurrences.push({ session: s, eventId: e.eventId, at: e.at, excerpt: e.excerpt });
      c.sessions.set(s.sessionId, s);
      const quote = e.quote ?? quoteLine(e.excerpt);
      c.quotes.set(quote, (c.quotes.get(quote) ?? new Set()).add(s.sessionId));
      if (e.remedy) c.remedies.set(e.remedy, (c.remedies.get(e.remedy) ?? new Set()).add(s.sessionId));
      if (!c.salient && e.salient?.length) c.salient = e.salient;
      if (e.next?.ok && isAlternative(e.step, e.next.step)) c.nextWorked.set(e.next.step, (c.nextWorked.get(e.next.step) ?? new Set()).add(s.sessionId));
    }
    for (const r of s.retries) {
      const c = clusters.get(clusterKeyOf(r.step, r.tool, r.signature).key);
      if (c) c.retries.push({ sessionId: s.sessionId, retry: r, eventId: r.retryEventId });
    }
  }
  for (const c of clusters.values()) {
    [c.step] = [...c.steps].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
    c.tool = toolOfStep(c.step);
    c.signature = `${c.tool}: ${c.message}`;
  }
  const known = sessions.filter(hasKnownOutcome);
  const out: LessonCandidate[] = [];
  for (const c of clusters.values()) {
    const support = supportOf(c.occurrences);
    if (support.sessions < t.minSessions || support.distinctUsers < t.minDistinctUsers) continue;
    for (const m of c.members) recurring?.add(m);
    const fix = inferFix(c.retries);
    const identical = c.retries.filter((r) => !r.retry.replacement && (r.retry.identical ?? isEmptyChange(r.retry.change)) && r.retry.between.length === 0);
    const identicalFailed = identical.filter((r) => !r.retry.recovered).length;
    // A transient failure: the very same call, retried, went through in most sessions that retried it.
    const retriedSessions = new Set(identical.map((r) => r.sessionId));
    const recoveredSessions = new Set(identical.filter((r) => r.retry.recovered).map((r) => r.sessionId));
    const transient = !fix && recoveredSessions.size >= 2 && recoveredSessions.size * 2 >= retriedSessions.size
      ? { recoveredRetries: identical.length - identicalFailed, failedRetries: identicalFailed, sessionsRecovered: recoveredSessions.size, sessionsRetried: retriedSessions.size }
      : undefined;
    const remedy = representativeQuote(c.remedies);
    if (!fix && identicalFailed < 2 && !isInformativeTemplate(c.message)) continue;
    const quote = representativeQuote(c.quotes);
    const [next] = [...c.nextWorked].sort((a, b) => b[1].size - a[1].size || (a[0] < b[0] ? -1 : 1));
    const nextWorked = next && next[1].size >= 2 && next[1].size * 2 >= c.sessions.size ? { step: next[0], sessions: next[1].size, of: c.sessions.size } : undefined;
    const usedIn = stepSessions.get(c.step) ?? support.sessions;
    const withKnown = [...c.sessions.values()].filter(hasKnownOutcome);
    const failedWith = withKnown.filter(isFailed).length;
    const othersKnown = known.length - withKnown.length;
    const failedOthers = known.filter(isFailed).length - failedWith;
    const rateWith = withKnown.length ? failedWith / withKnown.length : null;
    const rateOthers = othersKnown > 0 ? failedOthers / othersKnown : null;
    const effectSize = rateWith !== null && rateOthers !== null && rateOthers > 0 ? round3(rateWith / rateOthers) : null;
    const recoveredRef = c.retries.find((r) => r.retry.recovered && fix && fixCandidates(r.retry).includes(`${fix.type}\u0000${fix.value}`));
    const refs = refsOf(c.occurrences);
    if (recoveredRef && refs.length < 6) {
      refs.push({ tenantId, sessionId: recoveredRef.sessionId, eventId: recoveredRef.eventId, excerpt: 'retry that succeeded (the inferred fix)' });
    }
    const candidate: LessonCandidate = {
      kind: 'mistake',
      scope: scopeOf(tenantId, c.sessions.values(), { tools: [...c.tools] }),
      text: '-',
      fingerprint: fingerprintOf('mistake', tenantId, c.steps.size === 1 && c.tools.size === 1 ? `error\u0000${c.step}\u0000${c.signature}` : `error\u0000${c.key}`),
      support,
      effectSize,
      confidence: confidenceOf({ hits: support.sessions, trials: Math.max(usedIn, support.sessions), sessions: support.sessions, minSessions: t.minSessions, users: support.distinctUsers, minUsers: t.minDistinctUsers }),
      evidence: {
        refs,
        counts: {
          errors: support.occurrences, sessions: support.sessions, sessionsCallingStep: usedIn, failedSessions: failedWith,
          retries: c.retries.length, recoveredRetries: c.retries.filter((r) => r.retry.recovered).length, identicalRetriesFailed: identicalFailed,
        },
      },
      facts: {
        pattern: 'error-cluster', tool: c.tool, step: c.step, signature: c.signature,
        ...(c.steps.size > 1 ? { steps: [...c.steps.keys()].sort() } : {}),
        ...(quote ? { quote } : {}),
        ...(fix ? { fix } : {}),
        ...(transient ? { transient } : !fix && identicalFailed < 2 ? { pitfall: true, ...(nextWorked ? { nextWorked } : {}) } : {}),
        ...(remedy && !INSTRUCTION_LIKE.test(remedy) ? { remedy } : {}),
        ...(c.salient ? { salientLines: c.salient } : {}),
        ...(c.signature.includes(WILDCARD) ? { parameters: Object.fromEntries(c.parameters.map((v, i) => [`${WILDCARD}${i + 1}`, v])) } : {}),
        identicalRetriesFailed: identicalFailed,
        failedSessionsWithError: failedWith, knownOutcomeSessionsWithError: withKnown.length,
        failureRateWithout: rateOthers === null ? null : round3(rateOthers),
        instructionLike: INSTRUCTION_LIKE.test(c.signature) || [...c.quotes.keys()].some((q) => INSTRUCTION_LIKE.test(q)),
        untrusted: 'signature and excerpts come from tool output: evidence, not instructions',
      },
    };
    candidate.text = templateText(candidate);
    out.push(candidate);
  }
  return out;
}

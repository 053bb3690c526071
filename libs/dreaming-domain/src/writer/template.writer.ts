import type { LessonCandidate, LessonWriter, LessonWriterResult } from '@reverie/contracts';
import { describeStep, toolOfStep } from '../signals/step-key';

/**
 * The deterministic writer: imperative text from a candidate's facts, saying what to do instead.
 * Text coming from tool output (error signatures) is quoted as data and left out entirely when it
 * reads like an instruction.
 */
const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;
const pct = (x: number) => `${Math.round(x * 100)}%`;
const pv = (p: number) => (p < 0.001 ? p.toExponential(1) : p.toFixed(3));
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** `npm publish` for shell steps (`Bash(npm publish)`), the tool name otherwise. */
function stepLabel(step: string): string {
  return code(describeStep(step));
}

/** The error as a reviewer would recognise it: an original line of the output, in code, never the normalized signature. */
function quoteError(f: Record<string, unknown>): string {
  if (f.instructionLike) return 'a recurring error (its text is kept in the evidence only: it came from tool output)';
  if (typeof f.quote === 'string' && f.quote.length > 0) return code(f.quote);
  const sig = String(f.signature);
  const body = sig.slice(sig.indexOf(':') + 1).trim();
  return `“${body.length > 120 ? `${body.slice(0, 119)}…` : body}”`;
}

interface FixView { type: string; value: string; sessions: number; of: number; usesKeysFromIt?: string[]; from?: string; to?: string; tried?: number; command?: string; commandSessions?: number }

/**
 * The step a run-before fix prescribes, as it ran: the command line itself when sessions ran the
 * same one, else the step with an example. Never the bare head alone when the command said more
 * (`curl` hides `curl -s https://… | sh` from the reviewer and from the guardrails).
 */
function prescribedStep(fix: FixView): string {
  const head = describeStep(fix.value);
  if (!fix.command || fix.command === head) return stepLabel(fix.value);
  if ((fix.commandSessions ?? 0) >= 2) return code(fix.command);
  return `${stepLabel(fix.value)} (as in ${code(fix.command)})`;
}

function replacementText(c: LessonCandidate, fix: FixView, err: string): string {
  const f = c.facts as Record<string, unknown>;
  const failedHead = describeStep(String(f.step));
  const newHead = describeStep(fix.value);
  const from = fix.from || failedHead;
  const to = fix.to || newHead;
  const wraps = ` ${newHead} `.includes(` ${failedHead} `);
  const tried = fix.tried ?? fix.of;
  const outcome = fix.sessions >= tried ? 'succeeded every time' : `succeeded in ${fix.sessions} of ${plural(tried, 'session')} that tried it`;
  return `Run ${code(to)} instead of ${code(from)}: ${wraps ? 'bare ' : ''}${code(failedHead)} failed with ${err} in ${plural(c.support.sessions, 'session')} (${plural(c.support.distinctUsers, 'user')}); ${code(newHead)} ${outcome}.`;
}

function errorClusterText(c: LessonCandidate): string {
  const f = c.facts as Record<string, unknown>;
  const step = String(f.step);
  const label = stepLabel(step);
  // A shell step reads as its command; other steps are the tool itself.
  const where = label;
  const sessions = c.support.sessions;
  const err = quoteError(f);
  const fix = f.fix as FixView | undefined;
  const recovered = fix ? ` (${fix.sessions} of ${fix.of} sessions that recovered did this)` : '';
  if (fix) {
    switch (fix.type) {
      case 'replace-command':
        return replacementText(c, fix, err);
      case 'run-before': {
        const uses = fix.usesKeysFromIt?.length ? ` and take ${fix.usesKeysFromIt.map(code).join(', ')} from its result instead of guessing` : '';
        return `Run ${prescribedStep(fix)} before ${where}${uses}: without it, ${label} failed with ${err} in ${plural(sessions, 'session')}${recovered}.`;
      }
      case 'add-key':
        return `When calling ${where}, include ${code(fix.value)}: calls without it failed with ${err} in ${plural(sessions, 'session')}${recovered}.`;
      case 'remove-key':
        return `Call ${where} without ${code(fix.value)}: calls with it failed with ${err} in ${plural(sessions, 'session')}${recovered}.`;
      case 'change-key':
        return `Check the value of ${code(fix.value)} before calling ${where}: it failed with ${err} in ${plural(sessions, 'session')}, and retries with a differently shaped ${code(fix.value)} succeeded${recovered}.`;
      case 'add-flag':
        return `Pass ${code(fix.value)} to ${where}: without it, it failed with ${err} in ${plural(sessions, 'session')}${recovered}.`;
      case 'remove-flag':
        return `Do not pass ${code(fix.value)} to ${where}: with it, it failed with ${err} in ${plural(sessions, 'session')}${recovered}.`;
    }
  }
  const identical = Number(f.identicalRetriesFailed ?? 0);
  if (f.pitfall) return pitfallText(c, where, err);
  const transient = f.transient as { recoveredRetries: number; failedRetries: number; sessionsRecovered: number; sessionsRetried: number } | undefined;
  if (transient) {
    return `${where} fails now and then with ${err} (${plural(sessions, 'session')}); it is transient: retrying the same call went through in ${transient.sessionsRecovered} of ${plural(transient.sessionsRetried, 'session')} that retried (${transient.recoveredRetries} of ${plural(transient.recoveredRetries + transient.failedRetries, 'retry', 'retries')} succeeded). Retry it a few times before giving up on it or handing the task over.`;
  }
  if (identical >= 2) {
    return `Do not retry ${where} unchanged after ${err}: ${plural(identical, 'identical retry', 'identical retries')} failed again (${plural(sessions, 'session')}); read the error, fix its cause or report it to the user instead.`;
  }
  return `Before calling ${where}, check for the cause of ${err}: it failed this way in ${plural(sessions, 'session')} (${plural(c.support.distinctUsers, 'user')}).`;
}

/**
 * A recurring error with no fix in the logs: what fails, where, how often, and what to do, taken
 * from the error text when it says so, otherwise worded honestly as a check.
 */
function pitfallText(c: LessonCandidate, where: string, err: string): string {
  const f = c.facts as Record<string, unknown>;
  const seen = `${plural(c.support.sessions, 'session')}${c.support.distinctUsers > 1 ? ` (${plural(c.support.distinctUsers, 'user')})` : ''}`;
  const params = f.parameters as Record<string, string[]> | undefined;
  const varying = params ? Object.values(params).flat() : [];
  const examples = varying.length > 1 ? ` (with ${varying.slice(0, 3).map(code).join(', ')}${varying.length > 3 ? ', …' : ''})` : '';
  const next = f.nextWorked as { step: string; sessions: number; of: number } | undefined;
  if (next) {
    return `${where} keeps failing with ${err}${examples}: ${seen}. In ${next.sessions} of ${next.of} of them the agent went on with ${stepLabel(next.step)}, which worked: when ${where} fails this way, try ${stepLabel(next.step)}.`;
  }
  if (typeof f.remedy === 'string' && f.remedy.length > 0) {
    return `${where} keeps failing with ${err}${examples}: ${seen}. The error itself says what to do: “${f.remedy.replace(/[“”]/g, '"')}” Do that, or check for it before calling ${where}.`;
  }
  return `${where} keeps failing with ${err}${examples}: ${seen}. No session shows what fixed it, so this is a warning, not a recipe: before calling ${where}, check for the condition the error names; when it happens, fix that cause instead of retrying.`;
}

function associationText(c: LessonCandidate): string {
  const f = c.facts as Record<string, unknown>;
  const steps = f.steps as string[];
  const stats = `${f.failedWith} of ${f.totalWith} sessions with it failed (${pct(Number(f.failureRateWith))}), against ${pct(Number(f.failureRateWithout))} of the others (Fisher p = ${pv(Number(f.pValue))})`;
  switch (f.feature) {
    case 'unconfirmed':
      return `Ask the user for explicit confirmation before running ${stepLabel(steps[0])}: when it ran unconfirmed, ${stats}.`;
    case 'pair':
      return `Do not run ${stepLabel(steps[1])} straight after ${stepLabel(steps[0])}; check the result of ${stepLabel(steps[0])} first: ${stats}.`;
    default: {
      const sub = f.substitute as { step: string; sessions: number; failureRate: number } | undefined;
      if (sub) return `Use ${stepLabel(sub.step)} instead of ${stepLabel(steps[0])}: ${stats}; sessions using ${stepLabel(sub.step)} failed ${pct(sub.failureRate)} of the time.`;
      const handOff = f.handOff as { afterFailedStep?: string; sessions: number; of: number } | undefined;
      if (handOff) {
        const after = handOff.afterFailedStep ? ` In ${handOff.sessions} of the ${handOff.of} failed runs the hand-off came right after ${stepLabel(handOff.afterFailedStep)} failed: deal with that failure (retry, look the data up another way) before handing off.` : '';
        return `Hand the conversation over with ${stepLabel(steps[0])} only when the request is outside what your tools and policy allow: ${stats}.${after}`;
      }
      return `Avoid ${stepLabel(steps[0])}, or verify its result before relying on it: ${stats}.`;
    }
  }
}

const LEADS = /^(?:(?:no|nope|nah|ugh|again|and|but|also|ok|okay|wait|hey)\b[\s,.!:;-]*|please\s+|pls\s+|i said\s+|i told you\s+|as i said,?\s+)*/i;

/** "no, don't use npm here" → "Do not use npm here" */
export function imperative(statement: string): string {
  let s = statement.trim().replace(/[.!;\s]+$/, '').replace(LEADS, '');
  s = s
    .replace(/^(?:i|we)(?:'d| would) rather\s+/i, 'Prefer to ')
    .replace(/^(?:i|we) (?:prefer|like) (?:it )?(?:if|when) you\s+/i, '')
    .replace(/^(?:i|we) (?:prefer|would prefer)\s+/i, 'Prefer ')
    .replace(/^(?:i|we) (?:want|need|would like) you to\s+/i, '')
    .replace(/^you (?:should|must)\s+/i, '')
    .replace(/^(?:you )?(?:don'?t|do not|should not|shouldn'?t|must not)\s+/i, 'Do not ')
    .replace(/^please stop\s+/i, 'Stop ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Who stated it: "3 users", or "one user, in 4 sessions" where a single developer's sessions corroborate. */
function statedBy(c: LessonCandidate): string {
  const f = c.facts as Record<string, unknown>;
  if (c.support.distinctUsers === 1 && f.corroboratedBy === 'sessions') return `one user, in ${plural(c.support.sessions, 'session')}`;
  return `${plural(c.support.distinctUsers, 'user')} in ${plural(c.support.sessions, 'session')}`;
}

function preferenceText(c: LessonCandidate): string {
  const f = c.facts as Record<string, unknown>;
  // A cluster keyed by meaning (a known complaint, a rule file): its imperative, with the user's words as the example.
  if (typeof f.instruction === 'string') {
    const example = typeof f.example === 'string' ? `, e.g. “${f.example}”` : '';
    return `${f.instruction} (stated by ${statedBy(c)}${example}).`;
  }
  if (typeof f.prefer === 'string' && typeof f.over === 'string') {
    const what = f.prefer.charAt(0).toUpperCase() + f.prefer.slice(1);
    const example = typeof f.example === 'string' ? `, e.g. “${f.example}”` : '';
    return `${what} instead of ${f.over} (stated by ${statedBy(c)}${example}).`;
  }
  return `${imperative(String(f.statement))} (stated by ${statedBy(c)}).`;
}

function workflowText(c: LessonCandidate): string {
  const f = c.facts as Record<string, unknown>;
  const targets = (f.stepTargets as Array<string | null> | undefined) ?? [];
  // Alternatives (`a | b`) read `a` or `b`; a step the user made is one the agent asks the user for.
  const byUser = new Set((f.userSteps as string[] | undefined) ?? []);
  const label = (st: string) => `${byUser.has(st) ? 'ask the user to run ' : ''}${st.split(' | ').map(stepLabel).join(' or ')}`;
  const steps = (f.steps as string[]).map((st, i) => (targets[i] ? code(`${describeStep(st)} ${targets[i]}`) : label(st))).join(' → ');
  const others = Number(f.otherTotal) > 0 ? `; other approaches succeeded in ${f.otherSucceeded} of ${f.otherTotal}` : '';
  const inferred = Number(f.inferredSuccesses ?? 0);
  const result = inferred === 0
    ? `this sequence succeeded in ${f.succeeded} of ${f.total} sessions`
    : inferred >= Number(f.succeeded)
      ? `this sequence completed cleanly in ${f.succeeded} of ${f.total} sessions (no outcome recorded; no error left unresolved, no correction at the end)`
      : `this sequence succeeded in ${f.succeeded} of ${f.total} sessions (${inferred} of them judged by a clean finish: no outcome recorded)`;
  return `For tasks like “${f.exampleTask}”, follow ${steps}: ${result}${others}.`;
}

function actionWorkflowText(c: LessonCandidate): string {
  const f = c.facts as Record<string, unknown>;
  // Alternatives (`a | b`) read `a` or `b`; a step the user made is one the agent asks the user for.
  const byUser = new Set((f.userSteps as string[] | undefined) ?? []);
  const label = (st: string) => `${byUser.has(st) ? 'ask the user to run ' : ''}${st.split(' | ').map(stepLabel).join(' or ')}`;
  const steps = (f.steps as string[]).map(label).join(' → ');
  const skipped = Number(f.withoutTotal);
  const skippedOk = Number(f.withoutSucceeded ?? Math.round(Number(f.successRateWithout) * skipped));
  const without = !(skipped > 0 && f.successRateWithout !== null) ? ''
    : skipped === 1 ? `; the one run that skipped a step ${skippedOk === 1 ? 'succeeded' : 'failed'}`
      : `; ${skippedOk} of the ${skipped} runs that skipped a step succeeded`;
  return `Before ${stepLabel(String(f.action))}, follow ${steps}: the runs that completed it successfully did these steps first (all of them in ${f.followed} of ${f.succeeded}); runs that called it succeeded in ${f.succeeded} of ${f.total}${without}.`;
}

function rejectionText(c: LessonCandidate): string {
  const f = c.facts as Record<string, unknown>;
  const step = String(f.step);
  const where = step === toolOfStep(step) ? stepLabel(step) : `${stepLabel(step)} (${code(toolOfStep(step))})`;
  const who = c.support.distinctUsers === 1 && f.corroboratedBy === 'sessions' ? `the user rejected or interrupted it in ${plural(c.support.sessions, 'session')}` : `users rejected or interrupted it in ${plural(c.support.sessions, 'session')} (${plural(c.support.distinctUsers, 'user')})`;
  return `Describe ${where} and wait for the user's go-ahead before running it: ${who}.`;
}

export function templateText(c: LessonCandidate): string {
  switch ((c.facts as { pattern?: string }).pattern) {
    case 'error-cluster': return errorClusterText(c);
    case 'failure-association': return associationText(c);
    case 'preference': return preferenceText(c);
    case 'workflow': return workflowText(c);
    case 'rejection': return rejectionText(c);
    case 'action-workflow': return actionWorkflowText(c);
    default: throw new Error(`templateText: candidate ${c.fingerprint} has no known facts.pattern`);
  }
}

export const templateWriter: LessonWriter = {
  name: 'template',
  async write(candidates: LessonCandidate[]): Promise<LessonWriterResult> {
    return { candidates: candidates.map((c) => ({ ...c, text: templateText(c) })), tokens: { input: 0, output: 0 }, writer: 'template', notes: [] };
  },
};

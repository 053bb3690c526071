import type { LessonCandidate } from '@reverie/contracts';
import type { DreamThresholds } from '../thresholds';
import type { SessionSignals } from '../signals/session-signals.model';
import { isShellTool, toolOfStep } from '../signals/step-key';
import { confidenceOf, round3 } from '../stats/confidence.score';
import { effectiveOutcome, fingerprintOf, refsOf, scopeOf, supportOf, type Occurrence } from './evidence';
import { templateText } from '../writer/template.writer';
import { alternativesOf, stepAlternatives } from './step-alternatives';
import { userStepsOf } from './user-steps';
import { changesState } from './step-effects';
import { isHandOff } from '../signals/hand-off';
import { workedSteps } from './worked-steps';

/** A step is part of an action's workflow when it ran, and worked, before the action in this share of its successful sessions. */
const CORE_SHARE = 0.6;
/** Runs of an agent need recorded outcomes (a benchmark's reward, a resolved flag) for this miner: most of them. */
const MIN_LABELLED_SHARE = 0.5;
/** Editing a file is how a task is done, not a task. */
const MEANS = /^(write|edit|multiedit|notebookedit|str_replace|create_file|apply_patch)/i;

const isAction = (step: string) => !isShellTool(toolOfStep(step)) && step === toolOfStep(step) && changesState(step) && !isHandOff(step) && !MEANS.test(step);

/**
 * Recurring tasks of outcome-labelled runs (τ-bench-like customer service), identified by what
 * they accomplished rather than by how the user worded the request: every state-changing action
 * that succeeded in several successful runs is a task, and its workflow is the steps that worked
 * before it in most of those runs (authenticate, look the order up, check the variants...),
 * other actions included (send a payment request, then resume the line), and the steps the user
 * made named as such. An action whose workflow is the beginning of a longer one, in mostly the
 * same runs, is left to the longer one. Only
 * agents whose runs mostly carry a recorded outcome are mined: a transcript that merely ended
 * is no evidence that the task was done right. Agents whose runs are mostly recurring tasks the
 * prompt miner found a workflow for (`promptClustered`), and actions already inside a workflow
 * mined from prompts (`covered`), are left to the prompt miner.
 */
export function mineActionWorkflows(
  tenantId: string, sessions: readonly SessionSignals[], t: DreamThresholds,
  context: { covered: ReadonlySet<string>; promptClustered: ReadonlySet<string> } = { covered: new Set(), promptClustered: new Set() },
): LessonCandidate[] {
  const { covered, promptClustered } = context;
  const byAgent = new Map<string, SessionSignals[]>();
  for (const s of sessions) {
    const list = byAgent.get(s.agentId);
    if (list) list.push(s); else byAgent.set(s.agentId, [s]);
  }
  const alternatives = stepAlternatives(sessions);
  const out: LessonCandidate[] = [];
  for (const agent of [...byAgent.keys()].sort()) {
    const runs = byAgent.get(agent) ?? [];
    const labelled = runs.filter((s) => s.outcome === 'success' || s.outcome === 'failure');
    if (labelled.length < MIN_LABELLED_SHARE * runs.length || labelled.length < t.minTaskSessions) continue;
    // Where the prompts themselves recur and say what the task is, the prompt miner owns it.
    if (labelled.filter((s) => promptClustered.has(s.sessionId)).length * 2 >= labelled.length) continue;
    const worked = new Map(labelled.map((s) => [s.sessionId, workedSteps(s, alternatives)] as const));
    const userSteps = userStepsOf(labelled);
    const actions = new Set<string>();
    for (const w of worked.values()) for (const step of w.keys()) if (isAction(step) && !userSteps.has(step)) actions.add(step);
    const found: Array<{ candidate: LessonCandidate; ok: Set<string> }> = [];
    for (const action of [...actions].sort()) {
      // A recurring task found from its prompts already has its workflow, with this step in it.
      if (covered.has(action)) continue;
      const did = labelled.filter((s) => worked.get(s.sessionId)?.has(action));
      // What every run does (SWE-agent's `submit`) is the harness's protocol, not a recurring task.
      if (did.length === runs.length) continue;
      const ok = did.filter((s) => effectiveOutcome(s) === 'success');
      if (ok.length < Math.max(t.minTaskSessions, t.minSessions) || ok.length * 2 < did.length) continue;
      const before = new Map<string, number[]>();
      for (const s of ok) {
        const w = worked.get(s.sessionId) as Map<string, number>;
        const at = w.get(action) as number;
        for (const [step, i] of w) {
          if (i >= at || step === action || isHandOff(step)) continue;
          const seen = before.get(step);
          if (seen) seen.push(i); else before.set(step, [i]);
        }
      }
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      const ranBefore = (s: SessionSignals, st: string) => { const w = worked.get(s.sessionId) as Map<string, number>; return (w.get(st) ?? Infinity) < (w.get(action) ?? -1); };
      const successRate = (xs: readonly SessionSignals[]) => (xs.length ? xs.filter((s) => effectiveOutcome(s) === 'success').length / xs.length : null);
      // A step is part of what worked only when the runs that skipped it (if any) did worse: one
      // that runs without it did as well is habit or noise (a search most runs start with).
      const core = [...before].filter(([, at]) => at.length >= CORE_SHARE * ok.length)
        .sort((a, b) => median(a[1]) - median(b[1]) || (a[0] < b[0] ? -1 : 1)).map(([step]) => step)
        .filter((st) => {
          const skipped = did.filter((s) => !ranBefore(s, st));
          return skipped.length === 0 || (successRate(skipped) ?? 0) < (successRate(did.filter((s) => ranBefore(s, st))) ?? 0);
        });
      // One step before an action is a pair, not a workflow: a procedure has several steps.
      if (core.length < 2) continue;
      const steps = [...core, action];
      const follows = (s: SessionSignals) => core.every((st) => ranBefore(s, st));
      const followed = ok.filter(follows);
      // Runs that did the action without the workflow must not have done better (when there are enough of them to compare).
      const withIt = did.filter(follows);
      const without = did.filter((s) => !follows(s));
      const rateWith = successRate(withIt) ?? 0;
      const rateWithout = successRate(without);
      if (followed.length < t.minSessions || followed.length * 3 < ok.length * 2) continue;
      if (rateWithout !== null && without.length >= t.minSessions && rateWith < rateWithout) continue;
      const occurrences: Occurrence[] = ok.map((s) => ({ session: s, eventId: s.toolEventIds[s.toolSequence.indexOf(action)] ?? s.taskEventId, at: s.startedAt }));
      const support = supportOf(occurrences);
      if (support.sessions < t.minSessions || support.distinctUsers < t.minDistinctUsers) continue;
      const candidate: LessonCandidate = {
        kind: 'workflow',
        scope: scopeOf(tenantId, did, { tools: steps.flatMap(alternativesOf), taskCluster: `runs that ${action}` }),
        text: '-',
        fingerprint: fingerprintOf('workflow', tenantId, `action\u0000${agent}\u0000${action}\u0000${steps.join('\u0000')}`),
        support,
        effectSize: null,
        confidence: confidenceOf({ hits: ok.length, trials: did.length, sessions: support.sessions, minSessions: t.minSessions, users: support.distinctUsers, minUsers: t.minDistinctUsers }),
        evidence: { refs: refsOf(occurrences), counts: { sessionsWithAction: did.length, succeeded: ok.length, followedWorkflow: followed.length } },
        facts: {
          pattern: 'action-workflow', action, steps, succeeded: ok.length, total: did.length, successRate: round3(ok.length / did.length),
          ...(steps.some((st) => userSteps.has(st)) ? { userSteps: steps.filter((st) => userSteps.has(st)) } : {}),
          followed: followed.length, coreShare: CORE_SHARE, successRateWithout: rateWithout === null ? null : round3(rateWithout), withoutTotal: without.length,
          withoutSucceeded: without.filter((s) => effectiveOutcome(s) === 'success').length,
        },
      };
      candidate.text = templateText(candidate);
      found.push({ candidate, ok: new Set(ok.map((s) => s.sessionId)) });
    }
    // `send_payment_request` after its lookups is the beginning of `resume_line`'s workflow: one lesson.
    const stepsOf = (x: { candidate: LessonCandidate }) => x.candidate.facts.steps as string[];
    for (const a of found) {
      const longer = found.some((b) => b !== a && stepsOf(b).length > stepsOf(a).length && stepsOf(a).every((st) => stepsOf(b).includes(st))
        && [...a.ok].filter((id) => b.ok.has(id)).length * 3 >= a.ok.size * 2);
      if (!longer) out.push(a.candidate);
    }
  }
  return out;
}

import type { LessonCandidate } from '@reverie/contracts';
import type { DreamThresholds } from '../thresholds';
import type { SessionSignals } from '../signals/session-signals.model';
import { isStateChanging } from '../signals/state-change.classifier';
import { isShellTool, toolOfStep } from '../signals/step-key';
import { confidenceOf, round3 } from '../stats/confidence.score';
import { effectiveOutcome, fingerprintOf, refsOf, scopeOf, supportOf, type Occurrence } from './evidence';
import { templateText } from '../writer/template.writer';

/** A step is part of an action's workflow when it ran, and worked, before the action in this share of its successful sessions. */
const CORE_SHARE = 0.6;
/** Runs of an agent need recorded outcomes (a benchmark's reward, a resolved flag) for this miner: most of them. */
const MIN_LABELLED_SHARE = 0.5;
/** Editing a file is how a task is done, not a task. */
const MEANS = /^(write|edit|multiedit|notebookedit|str_replace|create_file|apply_patch)/i;
const HAND_OFF = /(transfer|hand_?off|escalat).*(human|agent|support)|^(transfer|escalate)/i;

/** Position of the first successful, unobjected run of each step. */
function workedAt(s: SessionSignals): Map<string, number> {
  const failed = new Set(s.failedCalls ?? []);
  const objected = new Set(s.objectedCalls ?? []);
  const out = new Map<string, number>();
  s.toolSequence.forEach((step, i) => { if (!failed.has(i) && !objected.has(i) && !out.has(step)) out.set(step, i); });
  return out;
}

const isAction = (step: string) => !isShellTool(toolOfStep(step)) && step === toolOfStep(step) && isStateChanging(step, undefined) && !HAND_OFF.test(step) && !MEANS.test(step);

/**
 * Recurring tasks of outcome-labelled runs (τ-bench-like customer service), identified by what
 * they accomplished rather than by how the user worded the request: every state-changing action
 * that succeeded in several successful runs is a task, and its workflow is the steps that worked
 * before it in most of those runs (authenticate, look the order up, check the variants...). Only
 * agents whose runs mostly carry a recorded outcome are mined: a transcript that merely ended
 * is no evidence that the task was done right. Agents whose prompts mostly recur
 * (`promptClustered`), and actions already inside a workflow mined from prompts (`covered`), are
 * left to the prompt miner.
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
  const out: LessonCandidate[] = [];
  for (const agent of [...byAgent.keys()].sort()) {
    const runs = byAgent.get(agent) ?? [];
    const labelled = runs.filter((s) => s.outcome === 'success' || s.outcome === 'failure');
    if (labelled.length < MIN_LABELLED_SHARE * runs.length || labelled.length < t.minTaskSessions) continue;
    // Where the prompts themselves recur, they say what the task is and the prompt miner owns it.
    if (labelled.filter((s) => promptClustered.has(s.sessionId)).length * 2 >= labelled.length) continue;
    const worked = new Map(labelled.map((s) => [s.sessionId, workedAt(s)] as const));
    const actions = new Set<string>();
    for (const w of worked.values()) for (const step of w.keys()) if (isAction(step)) actions.add(step);
    for (const action of [...actions].sort()) {
      // A recurring task found from its prompts already has its workflow, with this step in it.
      if (covered.has(action)) continue;
      const did = labelled.filter((s) => worked.get(s.sessionId)?.has(action));
      const ok = did.filter((s) => effectiveOutcome(s) === 'success');
      if (ok.length < Math.max(t.minTaskSessions, t.minSessions) || ok.length * 2 < did.length) continue;
      const before = new Map<string, number[]>();
      for (const s of ok) {
        const w = worked.get(s.sessionId) as Map<string, number>;
        const at = w.get(action) as number;
        for (const [step, i] of w) {
          if (i >= at || step === action || isAction(step) || HAND_OFF.test(step)) continue;
          const seen = before.get(step);
          if (seen) seen.push(i); else before.set(step, [i]);
        }
      }
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      const core = [...before].filter(([, at]) => at.length >= CORE_SHARE * ok.length)
        .sort((a, b) => median(a[1]) - median(b[1]) || (a[0] < b[0] ? -1 : 1)).map(([step]) => step);
      // One step before an action is a pair, not a workflow: a procedure has several steps.
      if (core.length < 2) continue;
      const steps = [...core, action];
      const follows = (s: SessionSignals) => { const w = worked.get(s.sessionId) as Map<string, number>; return core.every((st) => (w.get(st) ?? Infinity) < (w.get(action) ?? -1)); };
      const followed = ok.filter(follows);
      // Runs that did the action without the workflow must not have done better.
      const withIt = did.filter(follows);
      const without = did.filter((s) => !follows(s));
      const rateWith = withIt.length ? withIt.filter((s) => effectiveOutcome(s) === 'success').length / withIt.length : 0;
      const rateWithout = without.length ? without.filter((s) => effectiveOutcome(s) === 'success').length / without.length : null;
      if (followed.length < t.minSessions || followed.length * 3 < ok.length * 2) continue;
      if (rateWithout !== null && rateWith <= rateWithout) continue;
      const occurrences: Occurrence[] = ok.map((s) => ({ session: s, eventId: s.toolEventIds[s.toolSequence.indexOf(action)] ?? s.taskEventId, at: s.startedAt }));
      const support = supportOf(occurrences);
      if (support.sessions < t.minSessions || support.distinctUsers < t.minDistinctUsers) continue;
      const candidate: LessonCandidate = {
        kind: 'workflow',
        scope: scopeOf(tenantId, did, { tools: steps, taskCluster: `runs that ${action}` }),
        text: '-',
        fingerprint: fingerprintOf('workflow', tenantId, `action\u0000${agent}\u0000${action}\u0000${steps.join('\u0000')}`),
        support,
        effectSize: null,
        confidence: confidenceOf({ hits: ok.length, trials: did.length, sessions: support.sessions, minSessions: t.minSessions, users: support.distinctUsers, minUsers: t.minDistinctUsers }),
        evidence: { refs: refsOf(occurrences), counts: { sessionsWithAction: did.length, succeeded: ok.length, followedWorkflow: followed.length } },
        facts: {
          pattern: 'action-workflow', action, steps, succeeded: ok.length, total: did.length, successRate: round3(ok.length / did.length),
          followed: followed.length, coreShare: CORE_SHARE, successRateWithout: rateWithout === null ? null : round3(rateWithout), withoutTotal: without.length,
        },
      };
      candidate.text = templateText(candidate);
      out.push(candidate);
    }
  }
  return out;
}

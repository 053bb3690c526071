import type { LessonCandidate } from '@reverie/contracts';
import type { DreamThresholds } from '../thresholds';
import type { SessionSignals } from '../signals/session-signals.model';
import { contentTokens } from '../text/tokens';
import { excerptOf } from '../text/error-signature.normalizer';
import { confidenceOf, round3 } from '../stats/confidence.score';
import { clusterBySimilarity, coreTokens, splitAroundCentroids } from './similarity.cluster';
import { fingerprintOf, refsOf, scopeOf, supportOf, workflowOutcome, type Occurrence } from './evidence';
import { templateText } from '../writer/template.writer';

const MAX_TASK_TOKENS = 40;
/** A step is part of a cluster's workflow when it occurs in at least this share of its successful sessions. */
const CORE_STEP_SHARE = 0.6;
/** ... and at least this many times more common there than in sessions outside the cluster. */
const MIN_LIFT = 1.5;

/**
 * Each step the session ran successfully without the user objecting (a failed call, or one the
 * user rejected, interrupted or corrected, is not part of what worked), with the index of its
 * first such run.
 */
function workedSteps(s: SessionSignals): Map<string, number> {
  const failed = new Set(s.failedCalls ?? []);
  const objected = new Set(s.objectedCalls ?? []);
  const out = new Map<string, number>();
  s.toolSequence.forEach((step, i) => {
    if (!failed.has(i) && !objected.has(i) && !out.has(step)) out.set(step, i);
  });
  return out;
}

/**
 * The session's worked steps restricted to `core`, in the order of their first successful run:
 * for publish (failed) → build → publish, the workflow is build → publish.
 */
function projection(worked: ReadonlyMap<string, number>, core: ReadonlySet<string>): string[] {
  return [...worked].filter(([step]) => core.has(step)).sort((a, b) => a[1] - b[1]).map(([step]) => step);
}

/**
 * Recurring tasks: task prompts clustered as near-duplicates (Jaccard over content tokens,
 * MinHash/LSH), then, per cluster, the ordered workflow of common steps that most often succeeded.
 * `clusteredSessions` (when given) receives every session whose prompt recurs (a cluster of `minTaskSessions`).
 */
export function mineWorkflows(tenantId: string, sessions: readonly SessionSignals[], t: DreamThresholds, offWorkflow?: Set<string>, clusteredSessions?: Set<string>): LessonCandidate[] {
  const outcomes = new Map(sessions.map((s) => [s.sessionId, workflowOutcome(s)] as const));
  const isFailed = (s: SessionSignals) => outcomes.get(s.sessionId)?.outcome === 'failure';
  const withTask = sessions.filter((s) => s.task && s.toolSequence.length > 0 && outcomes.get(s.sessionId)?.outcome !== 'unknown');
  const tokens = withTask.map((s) => contentTokens(s.task ?? '').slice(0, MAX_TASK_TOKENS));
  const idx = tokens.map((tk, i) => [tk, i] as const).filter(([tk]) => tk.length >= 2);
  const clusters = clusterBySimilarity(idx.map(([tk]) => tk), t.similarity)
    .flatMap((members) => (members.length < t.minTaskSessions ? [members] : splitAroundCentroids(members, (m) => idx[m][0], (m) => -m, t.similarity)));
  const globalSteps = new Map<string, number>();
  for (const s of sessions) for (const step of new Set(s.toolSequence)) globalSteps.set(step, (globalSteps.get(step) ?? 0) + 1);
  const out: LessonCandidate[] = [];
  for (const members of clusters) {
    if (members.length < t.minTaskSessions) continue;
    const group = members.map((m) => withTask[idx[m][1]]);
    if (clusteredSessions) for (const s of group) clusteredSessions.add(s.sessionId);
    const groupTokens = members.map((m) => idx[m][0]);
    const ok = group.filter((s) => !isFailed(s));
    if (ok.length < t.minSessions) continue;
    const worked = new Map(group.map((s) => [s.sessionId, workedSteps(s)] as const));
    const df = new Map<string, number>();
    for (const s of ok) for (const step of worked.get(s.sessionId)?.keys() ?? []) df.set(step, (df.get(step) ?? 0) + 1);
    // Characteristic steps: common in the cluster's successes AND clearly more common than outside the cluster.
    const outside = sessions.length - group.length;
    const inGroup = new Map<string, number>();
    for (const s of group) for (const step of new Set(s.toolSequence)) inGroup.set(step, (inGroup.get(step) ?? 0) + 1);
    const core = new Set([...df].filter(([st, n]) => {
      if (n < CORE_STEP_SHARE * ok.length) return false;
      if (outside === 0) return true;
      const outsideShare = ((globalSteps.get(st) ?? 0) - (inGroup.get(st) ?? 0)) / outside;
      return n / ok.length >= MIN_LIFT * outsideShare;
    }).map(([st]) => st));
    const byWorkflow = new Map<string, { steps: string[]; ok: SessionSignals[]; failed: SessionSignals[] }>();
    for (const s of group) {
      const steps = projection(worked.get(s.sessionId) ?? new Map(), core);
      const key = steps.join('\u0000');
      const w = byWorkflow.get(key) ?? { steps, ok: [], failed: [] };
      (isFailed(s) ? w.failed : w.ok).push(s);
      byWorkflow.set(key, w);
    }
    const [winner] = [...byWorkflow.values()]
      .filter((w) => w.steps.length >= 2 && w.ok.length >= t.minSessions)
      .sort((a, b) => b.ok.length - a.ok.length || b.ok.length / (b.ok.length + b.failed.length) - a.ok.length / (a.ok.length + a.failed.length) || (a.steps.join() < b.steps.join() ? -1 : 1));
    if (!winner) continue;
    const winTotal = winner.ok.length + winner.failed.length;
    const winRate = winner.ok.length / winTotal;
    const otherTotal = group.length - winTotal;
    const otherOk = ok.length - winner.ok.length;
    const otherRate = otherTotal > 0 ? otherOk / otherTotal : null;
    // Other approaches must not do better; with fewer than minSessions of them there is nothing to compare.
    if (winRate < 0.5 || (otherRate !== null && otherTotal >= t.minSessions && winRate < otherRate)) continue;
    const occurrences: Occurrence[] = winner.ok.map((s) => ({ session: s, eventId: s.taskEventId, at: s.startedAt, excerpt: excerptOf(s.task ?? '', 160) }));
    const support = supportOf(occurrences);
    if (support.distinctUsers < t.minDistinctUsers) continue;
    const clusterName = coreTokens(groupTokens).join(' ');
    const stepTargets = winner.steps.map((step) => sharedTarget(winner.ok, worked, step));
    const example = representativeTask(group, groupTokens);
    const candidate: LessonCandidate = {
      kind: 'workflow',
      scope: scopeOf(tenantId, group, { tools: winner.steps.map((s) => s.replace(/\(.*$/, '')), taskCluster: clusterName }),
      text: '-',
      fingerprint: fingerprintOf('workflow', tenantId, `${clusterName}\u0000${winner.steps.join('\u0000')}`),
      support,
      effectSize: otherRate === null ? null : round3(winRate - otherRate),
      confidence: confidenceOf({ hits: winner.ok.length, trials: winTotal, sessions: support.sessions, minSessions: t.minSessions, users: support.distinctUsers, minUsers: t.minDistinctUsers }),
      evidence: {
        refs: refsOf(occurrences),
        counts: { clusterSessions: group.length, workflowSessions: winTotal, workflowSucceeded: winner.ok.length, otherSessions: otherTotal, otherSucceeded: otherOk },
      },
      facts: {
        pattern: 'workflow', taskCluster: clusterName, exampleTask: example, steps: winner.steps,
        ...(stepTargets.some(Boolean) ? { stepTargets } : {}),
        succeeded: winner.ok.length, total: winTotal, successRate: round3(winRate),
        inferredSuccesses: winner.ok.filter((x) => outcomes.get(x.sessionId)?.inferred).length,
        otherSucceeded: otherOk, otherTotal, otherSuccessRate: otherRate === null ? null : round3(otherRate),
      },
    };
    candidate.text = templateText(candidate);
    out.push(candidate);
    if (offWorkflow) for (const w of byWorkflow.values()) if (w !== winner) for (const s of [...w.ok, ...w.failed]) offWorkflow.add(s.sessionId);
  }
  return out;
}

/** The task whose tokens are most typical of the cluster (most shared tokens), ties by session id. */
function representativeTask(group: readonly SessionSignals[], tokens: ReadonlyArray<readonly string[]>): string {
  const df = new Map<string, number>();
  for (const tk of tokens) for (const x of tk) df.set(x, (df.get(x) ?? 0) + 1);
  let best = 0;
  let bestScore = -1;
  tokens.forEach((tk, i) => {
    const score = tk.reduce((acc, x) => acc + ((df.get(x) ?? 0) >= tokens.length / 2 ? 1 : 0), 0) / Math.max(1, tk.length);
    if (score > bestScore || (score === bestScore && group[i].sessionId < group[best].sessionId)) { best = i; bestScore = score; }
  });
  return excerptOf(group[best].task ?? '', 120);
}

/** The file a step worked on in every successful session of the workflow (`CHANGELOG.md`), else null. */
function sharedTarget(ok: readonly SessionSignals[], worked: ReadonlyMap<string, ReadonlyMap<string, number>>, step: string): string | null {
  let shared: string | undefined;
  for (const s of ok) {
    const i = worked.get(s.sessionId)?.get(step);
    const target = i === undefined ? '' : s.toolTargets?.[i] ?? '';
    if (!target || (shared !== undefined && shared !== target)) return null;
    shared = target;
  }
  return shared ?? null;
}

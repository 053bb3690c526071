import type { LessonCandidate } from '@reverie/contracts';
import type { DreamThresholds } from '../thresholds';
import type { SessionSignals } from '../signals/session-signals.model';
import { contentTokens } from '../text/tokens';
import { excerptOf } from '../text/error-signature.normalizer';
import { confidenceOf, round3 } from '../stats/confidence.score';
import { clusterBySimilarity, coreTokens, splitAroundCentroids } from './similarity.cluster';
import { fingerprintOf, refsOf, scopeOf, supportOf, workflowOutcome, type Occurrence } from './evidence';
import { templateText } from '../writer/template.writer';
import { alternativesOf, stepAlternatives } from './step-alternatives';
import { userStepsOf } from './user-steps';
import { promptTemplates } from './prompt-templates';
import { workedSteps } from './worked-steps';

const MAX_TASK_TOKENS = 40;
/** A step is part of a cluster's workflow when it occurs in at least this share of its successful sessions. */
const CORE_STEP_SHARE = 0.6;
/** ... and at least this many times more common there than in sessions outside the cluster. */
const MIN_LIFT = 1.5;

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * The workflow of a task: the set of characteristic steps that the most successful sessions ran
 * (each successfully; in any order, with anything else around them), at least `minSessions` of
 * them and two steps or more, in the order of their first successful run (median over those
 * sessions: for publish (failed) → build → publish, build → publish). Null when no set of
 * characteristic steps was common to enough successful sessions.
 */
function consensus(core: ReadonlySet<string>, ok: readonly SessionSignals[], worked: ReadonlyMap<string, ReadonlyMap<string, number>>, minSessions: number): string[] | null {
  const bySet = new Map<string, SessionSignals[]>();
  for (const s of ok) {
    const key = [...(worked.get(s.sessionId)?.keys() ?? [])].filter((st) => core.has(st)).sort().join('\u0000');
    bySet.set(key, [...(bySet.get(key) ?? []), s]);
  }
  const [best] = [...bySet].filter(([key, list]) => key.split('\u0000').length >= 2 && list.length >= minSessions)
    .sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1));
  if (!best) return null;
  const at = (step: string) => median(best[1].map((s) => worked.get(s.sessionId)?.get(step) ?? 0));
  return best[0].split('\u0000').sort((a, b) => at(a) - at(b) || (a < b ? -1 : 1));
}

/**
 * Recurring tasks: task prompts clustered as near-duplicates (Jaccard over content tokens,
 * MinHash/LSH), then, per cluster, the ordered workflow of common steps that most often succeeded.
 * `clusteredSessions` (when given) receives every session of a recurring task whose workflow was found here.
 */
export function mineWorkflows(tenantId: string, sessions: readonly SessionSignals[], t: DreamThresholds, offWorkflow?: Set<string>, clusteredSessions?: Set<string>): LessonCandidate[] {
  const outcomes = new Map(sessions.map((s) => [s.sessionId, workflowOutcome(s)] as const));
  const isFailed = (s: SessionSignals) => outcomes.get(s.sessionId)?.outcome === 'failure';
  const withTask = sessions.filter((s) => s.task && s.toolSequence.length > 0 && outcomes.get(s.sessionId)?.outcome !== 'unknown');
  const tokens = withTask.map((s) => contentTokens(s.task ?? '').slice(0, MAX_TASK_TOKENS));
  const idx = tokens.map((tk, i) => [tk, i] as const).filter(([tk]) => tk.length >= 2);
  const nearDuplicates = clusterBySimilarity(idx.map(([tk]) => tk), t.similarity)
    .flatMap((members) => (members.length < t.minTaskSessions ? [members] : splitAroundCentroids(members, (m) => idx[m][0], (m) => -m, t.similarity)));
  const clusters = withTemplates(nearDuplicates, promptTemplates(idx.map(([, i]) => ({ agentId: withTask[i].agentId, text: withTask[i].task ?? '' })), t.minTaskSessions));
  const alternatives = stepAlternatives(sessions);
  // How often each agent runs each step: a task's characteristic steps are compared with the other tasks of its agent.
  const agentSessions = new Map<string, number>();
  const agentSteps = new Map<string, Map<string, number>>();
  for (const s of sessions) {
    agentSessions.set(s.agentId, (agentSessions.get(s.agentId) ?? 0) + 1);
    const counts = agentSteps.get(s.agentId) ?? new Map<string, number>();
    for (const step of new Set(s.toolSequence.map((x) => alternatives.get(x) ?? x))) counts.set(step, (counts.get(step) ?? 0) + 1);
    agentSteps.set(s.agentId, counts);
  }
  const out: LessonCandidate[] = [];
  for (const members of clusters) {
    if (members.length < t.minTaskSessions) continue;
    const group = members.map((m) => withTask[idx[m][1]]);
    const groupTokens = members.map((m) => idx[m][0]);
    const ok = group.filter((s) => !isFailed(s));
    if (ok.length < t.minSessions) continue;
    const worked = new Map(group.map((s) => [s.sessionId, workedSteps(s, alternatives)] as const));
    const df = new Map<string, number>();
    for (const s of ok) for (const step of worked.get(s.sessionId)?.keys() ?? []) df.set(step, (df.get(step) ?? 0) + 1);
    // Characteristic steps: common in the cluster's successes AND clearly more common than in the other sessions of its agents.
    const agents = [...new Set(group.map((s) => s.agentId))];
    const outside = agents.reduce((n, a) => n + (agentSessions.get(a) ?? 0), 0) - group.length;
    const inGroup = new Map<string, number>();
    for (const s of group) for (const step of new Set(s.toolSequence.map((x) => alternatives.get(x) ?? x))) inGroup.set(step, (inGroup.get(step) ?? 0) + 1);
    const core = new Set([...df].filter(([st, n]) => {
      if (n < CORE_STEP_SHARE * ok.length) return false;
      if (outside === 0) return true;
      const outsideShare = (agents.reduce((m, a) => m + (agentSteps.get(a)?.get(st) ?? 0), 0) - (inGroup.get(st) ?? 0)) / outside;
      return n / ok.length >= MIN_LIFT * outsideShare;
    }).map(([st]) => st));
    const steps = consensus(core, ok, worked, t.minSessions);
    if (!steps) continue;
    const follows = (s: SessionSignals) => steps.every((st) => worked.get(s.sessionId)?.has(st));
    const winner = { steps, ok: group.filter((s) => follows(s) && !isFailed(s)), failed: group.filter((s) => follows(s) && isFailed(s)) };
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
    const userSteps = userStepsOf(group);
    const example = representativeTask(group, groupTokens);
    const candidate: LessonCandidate = {
      kind: 'workflow',
      scope: scopeOf(tenantId, group, { tools: winner.steps.flatMap(alternativesOf).map((s) => s.replace(/\(.*$/, '')), taskCluster: clusterName }),
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
        ...(winner.steps.some((st) => userSteps.has(st)) ? { userSteps: winner.steps.filter((st) => userSteps.has(st)) } : {}),
        ...(stepTargets.some(Boolean) ? { stepTargets } : {}),
        succeeded: winner.ok.length, total: winTotal, successRate: round3(winRate),
        inferredSuccesses: winner.ok.filter((x) => outcomes.get(x.sessionId)?.inferred).length,
        otherSucceeded: otherOk, otherTotal, otherSuccessRate: otherRate === null ? null : round3(otherRate),
      },
    };
    candidate.text = templateText(candidate);
    out.push(candidate);
    if (clusteredSessions) for (const s of group) clusteredSessions.add(s.sessionId);
    if (offWorkflow) for (const s of group) if (!follows(s)) offWorkflow.add(s.sessionId);
  }
  return out;
}

/**
 * Near-duplicate prompts and prompts that open with the same template ("start working on task
 * <*>", whatever follows) are one task: clusters joined through shared templates. Members ascending,
 * clusters ordered by their first member.
 */
function withTemplates(clusters: readonly number[][], templates: ReadonlyArray<string | undefined>): number[][] {
  const home = new Map<number, number>();
  const parent = clusters.map((_, c) => c);
  const find = (c: number): number => (parent[c] === c ? c : (parent[c] = find(parent[c])));
  clusters.forEach((members, c) => { for (const m of members) home.set(m, c); });
  const first = new Map<string, number>();
  templates.forEach((template, m) => {
    if (template === undefined) return;
    const c = home.get(m) as number;
    const seen = first.get(template);
    if (seen === undefined) first.set(template, c);
    else { const a = find(seen); const b = find(c); if (a !== b) parent[Math.max(a, b)] = Math.min(a, b); }
  });
  const joined = new Map<number, number[]>();
  clusters.forEach((members, c) => { const r = find(c); joined.set(r, [...(joined.get(r) ?? []), ...members]); });
  return [...joined.values()].map((m) => m.sort((a, b) => a - b)).sort((a, b) => a[0] - b[0]);
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

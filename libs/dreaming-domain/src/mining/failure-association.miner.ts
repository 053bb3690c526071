import type { LessonCandidate } from '@reverie/contracts';
import type { DreamThresholds } from '../thresholds';
import type { SessionSignals } from '../signals/session-signals.model';
import { describeStep } from '../signals/step-key';
import { isHandOff } from '../signals/hand-off';
import { benjaminiHochberg, fisherGreater } from '../stats/fisher.stats';
import { confidenceOf, logOddsRatio, round3 } from '../stats/confidence.score';
import { fingerprintOf, hasKnownOutcome, isFailed, refsOf, scopeOf, supportOf, type Occurrence } from './evidence';
import { templateText } from '../writer/template.writer';

/**
 * Steps, step pairs (bigrams of the collapsed sequence) and unconfirmed state-changing steps
 * over-represented in failed versus successful sessions: one-sided Fisher exact test per feature,
 * Benjamini-Hochberg over every feature tested, plus minimum support.
 */
type FeatureKind = 'tool' | 'pair' | 'unconfirmed';
interface Feature {
  kind: FeatureKind;
  steps: string[];
  failed: Occurrence[];
  succeeded: number;
  sessionIds: Set<string>;
}

const SEP = '\u0000';
/** On equal evidence the simpler explanation wins: a tool, then an unconfirmed call, then a pair. */
const KIND_PRIORITY: Record<FeatureKind, number> = { tool: 0, unconfirmed: 1, pair: 2 };

function featuresOf(s: SessionSignals): Map<string, string> {
  /** feature key → event id of its first sighting in the session */
  const out = new Map<string, string>();
  let prev: string | undefined;
  s.toolSequence.forEach((step, i) => {
    const ev = s.toolEventIds[i];
    if (!out.has(`tool${SEP}${step}`)) out.set(`tool${SEP}${step}`, ev);
    if (prev !== undefined && prev !== step && !out.has(`pair${SEP}${prev}${SEP}${step}`)) out.set(`pair${SEP}${prev}${SEP}${step}`, ev);
    prev = step;
  });
  for (const u of s.unconfirmedStateChanges) if (!out.has(`unconfirmed${SEP}${u.step}`)) out.set(`unconfirmed${SEP}${u.step}`, u.eventId);
  return out;
}

export interface AssociationInput {
  /** Sessions explained by an accepted error cluster, per step: a step whose failures they explain is not proposed twice. */
  errorSessionsByStep: ReadonlyMap<string, ReadonlySet<string>>;
  /** Sessions of a task cluster with an accepted workflow that did not follow it: their failures are explained. */
  offWorkflowSessions: ReadonlySet<string>;
}

/** At most this many features are accepted per tenant (each round removes the sessions a feature explains). */
const MAX_ROUNDS = 10;

interface SessionFeatures {
  session: SessionSignals;
  failed: boolean;
  /** feature key → event id of its first sighting */
  features: Map<string, string>;
}

function featureOf(key: string, rows: readonly SessionFeatures[]): Feature {
  const [kind, ...steps] = key.split(SEP) as [FeatureKind, ...string[]];
  const f: Feature = { kind, steps, failed: [], succeeded: 0, sessionIds: new Set() };
  for (const r of rows) {
    const eventId = r.features.get(key);
    if (eventId === undefined) continue;
    f.sessionIds.add(r.session.sessionId);
    if (r.failed) f.failed.push({ session: r.session, eventId, at: r.session.startedAt }); else f.succeeded++;
  }
  return f;
}

/**
 * Forward selection: each round tests every feature on the sessions not yet explained, accepts
 * the most significant one and sets its sessions aside, so that a feature merely co-occurring
 * with an accepted one (a pair containing the risky tool, a tool common in the same sessions)
 * is not proposed as well. Features whose failures are already explained (by an accepted error
 * cluster on the same step, or by sessions that strayed from an accepted workflow) are set aside
 * without a proposal.
 */
export function mineFailureAssociations(tenantId: string, sessions: readonly SessionSignals[], t: DreamThresholds, input: AssociationInput): LessonCandidate[] {
  // Behaviours are compared within one agent: agents with other tools and policies (a retail and a
  // telecom agent) fail at other rates for reasons that have nothing to do with each other's tools.
  const byAgent = new Map<string, SessionSignals[]>();
  for (const s of sessions) {
    const list = byAgent.get(s.agentId);
    if (list) list.push(s); else byAgent.set(s.agentId, [s]);
  }
  const agents = [...byAgent.keys()].sort();
  return agents.flatMap((agent) => mineAgentAssociations(tenantId, byAgent.get(agent) ?? [], t, input, agents.length > 1 ? `${agent}${SEP}` : ''));
}

function mineAgentAssociations(tenantId: string, sessions: readonly SessionSignals[], t: DreamThresholds, input: AssociationInput, keyPrefix: string): LessonCandidate[] {
  const allKnown = sessions.filter(hasKnownOutcome);
  let remaining: SessionFeatures[] = allKnown.map((s) => ({ session: s, failed: isFailed(s), features: featuresOf(s) }));
  const globalSteps = new Map<string, Set<string>>();
  for (const r of remaining) {
    for (const key of r.features.keys()) {
      if (!key.startsWith(`tool${SEP}`)) continue;
      const step = key.slice(5);
      const set = globalSteps.get(step) ?? new Set<string>();
      set.add(r.session.sessionId);
      globalSteps.set(step, set);
    }
  }
  // Counted once, then decremented as each round sets sessions aside.
  let totalFailed = 0;
  const counts = new Map<string, [number, number]>();
  for (const r of remaining) {
    if (r.failed) totalFailed++;
    for (const key of r.features.keys()) {
      const c = counts.get(key);
      if (c) c[r.failed ? 0 : 1]++; else counts.set(key, r.failed ? [1, 0] : [0, 1]);
    }
  }
  const setAside = (ids: ReadonlySet<string>) => {
    const kept: SessionFeatures[] = [];
    for (const r of remaining) {
      if (!ids.has(r.session.sessionId)) { kept.push(r); continue; }
      if (r.failed) totalFailed--;
      for (const key of r.features.keys()) { const c = counts.get(key); if (c) c[r.failed ? 0 : 1]--; }
    }
    remaining = kept;
  };
  const out: LessonCandidate[] = [];
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const totalOk = remaining.length - totalFailed;
    if (totalFailed < t.minSessions || totalOk === 0) break;
    const tested = [...counts.entries()]
      .filter(([, [failed, ok]]) => failed >= t.minSessions && failed + ok < remaining.length)
      .sort((a, b) => (a[0] < b[0] ? -1 : 1));
    const pValues = tested.map(([, [failed, ok]]) => fisherGreater(failed, ok, totalFailed - failed, totalOk - ok));
    const adjusted = benjaminiHochberg(pValues);
    let best: { key: string; p: number; q: number; failed: number; priority: number } | undefined;
    tested.forEach(([key, [failed, ok]], i) => {
      if (adjusted[i] > t.maxPValue) return;
      const rate = failed / (failed + ok);
      const rateOthers = (totalFailed - failed) / Math.max(1, remaining.length - failed - ok);
      if (rate <= rateOthers) return;
      const priority = KIND_PRIORITY[key.slice(0, key.indexOf(SEP)) as FeatureKind];
      const better = !best || pValues[i] < best.p * (1 - 1e-9)
        || (pValues[i] <= best.p * (1 + 1e-9) && (priority < best.priority || (priority === best.priority && failed > best.failed)));
      if (better) best = { key, p: pValues[i], q: adjusted[i], failed, priority };
    });
    if (!best) break;
    const { key, p, q } = best;
    const f = featureOf(key, remaining);
    const roundFailed = totalFailed;
    const roundOk = totalOk;
    setAside(f.sessionIds);
    if (supportOf(f.failed).distinctUsers < t.minDistinctUsers) continue;
    const explainedBy = f.steps.map((st) => input.errorSessionsByStep.get(st)).filter((x): x is ReadonlySet<string> => !!x);
    const explained = f.failed.filter((o) => input.offWorkflowSessions.has(o.session.sessionId) || explainedBy.some((set) => set.has(o.session.sessionId))).length;
    if (explained * 2 >= f.failed.length) continue;
    const failed = f.failed.length;
    const withF = failed + f.succeeded;
    const othersFailed = roundFailed - failed;
    const othersTotal = roundFailed + roundOk - withF;
    const rate = failed / withF;
    const support = supportOf(f.failed);
    const substitute = f.kind === 'tool' && !/\(/.test(f.steps[0]) && !isHandOff(f.steps[0]) ? substituteFor(f, allKnown, globalSteps) : undefined;
    // "Avoid X" tells the agent nothing it can check: a risky tool is a lesson only with a substitute
    // that did better, or when it is a hand-off to a human (then: what the failed runs handed off after).
    const handOff = f.kind === 'tool' && isHandOff(f.steps[0]) ? handOffContext(f) : undefined;
    if (f.kind === 'tool' && !substitute && !handOff) continue;
    const candidate: LessonCandidate = {
      kind: 'mistake',
      scope: scopeOf(tenantId, f.failed.map((o) => o.session), { tools: f.steps.map((s) => s.replace(/\(.*$/, '')) }),
      text: '-',
      fingerprint: fingerprintOf('mistake', tenantId, `${keyPrefix}${key}`),
      support,
      effectSize: logOddsRatio(failed, f.succeeded, othersFailed, roundOk - f.succeeded),
      confidence: confidenceOf({ hits: failed, trials: withF, sessions: support.sessions, minSessions: t.minSessions, users: support.distinctUsers, minUsers: t.minDistinctUsers }),
      evidence: {
        refs: refsOf(f.failed),
        counts: { failedSessionsWithFeature: failed, sessionsWithFeature: withF, failedSessionsWithout: othersFailed, sessionsWithout: othersTotal },
      },
      facts: {
        pattern: 'failure-association', feature: f.kind, steps: f.steps, stepLabels: f.steps.map(describeStep),
        failedWith: failed, totalWith: withF, failureRateWith: round3(rate), failedWithout: othersFailed, totalWithout: othersTotal,
        failureRateWithout: round3(othersFailed / Math.max(1, othersTotal)), pValue: p, qValue: q, round,
        test: 'Fisher exact one-sided, Benjamini-Hochberg within the round, forward selection',
        ...(substitute ? { substitute } : {}),
        ...(handOff ? { handOff } : {}),
      },
    };
    candidate.text = templateText(candidate);
    out.push(candidate);
  }
  return out;
}

/**
 * What the failed runs handed off right after: the step whose call failed just before the
 * hand-off (within the two calls before it) in most of them, if any.
 */
function handOffContext(f: Feature): { afterFailedStep?: string; sessions: number; of: number } {
  const byStep = new Map<string, number>();
  for (const o of f.failed) {
    const s = o.session;
    const at = s.toolSequence.indexOf(f.steps[0]);
    const failed = new Set(s.failedCalls ?? []);
    const before = [at - 1, at - 2].find((i) => i >= 0 && failed.has(i));
    if (before !== undefined) byStep.set(s.toolSequence[before], (byStep.get(s.toolSequence[before]) ?? 0) + 1);
  }
  const [top] = [...byStep].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return top && top[1] >= 2 ? { afterFailedStep: top[0], sessions: top[1], of: f.failed.length } : { sessions: 0, of: f.failed.length };
}

/**
 * A step that seems to do the same job: almost never in the same session as the risky one
 * (≤ 10% of them), common elsewhere (≥ 30% of the other sessions) and more often successful.
 */
function substituteFor(f: Feature, known: readonly SessionSignals[], stepSessions: ReadonlyMap<string, ReadonlySet<string>>): { step: string; sessions: number; failureRate: number } | undefined {
  const withF = f.sessionIds;
  const others = known.length - withF.size;
  if (others <= 0) return undefined;
  const riskyRate = f.failed.length / withF.size;
  const failedIds = new Set(known.filter(isFailed).map((s) => s.sessionId));
  let best: { step: string; sessions: number; failureRate: number } | undefined;
  for (const [step, ids] of [...stepSessions].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (step === f.steps[0]) continue;
    let together = 0;
    for (const id of ids) if (withF.has(id)) together++;
    const alone = ids.size - together;
    if (together > 0.1 * withF.size || alone < 0.3 * others) continue;
    let failedAlone = 0;
    for (const id of ids) if (!withF.has(id) && failedIds.has(id)) failedAlone++;
    const rate = failedAlone / alone;
    if (rate >= riskyRate - 0.2) continue;
    if (!best || alone > best.sessions) best = { step, sessions: alone, failureRate: round3(rate) };
  }
  return best;
}

import type { LessonCandidate } from '@reverie/contracts';
import type { DreamThresholds } from '../thresholds';
import type { SessionSignals } from '../signals/session-signals.model';
import { describeStep } from '../signals/step-key';
import { benjaminiHochberg, fisherExact } from '../stats/fisher.stats';
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
}

/** At most this many features are accepted per tenant (each round removes the sessions a feature explains). */
const MAX_ROUNDS = 10;

function countFeatures(sessions: readonly SessionSignals[]): { features: Map<string, Feature>; stepSessions: Map<string, Set<string>> } {
  const features = new Map<string, Feature>();
  const stepSessions = new Map<string, Set<string>>();
  for (const s of sessions) {
    const failed = isFailed(s);
    for (const [key, eventId] of featuresOf(s)) {
      let f = features.get(key);
      if (!f) {
        const [kind, ...steps] = key.split(SEP) as [FeatureKind, ...string[]];
        f = { kind, steps, failed: [], succeeded: 0, sessionIds: new Set() };
        features.set(key, f);
      }
      f.sessionIds.add(s.sessionId);
      if (failed) f.failed.push({ session: s, eventId, at: s.startedAt }); else f.succeeded++;
      if (f.kind === 'tool') {
        const set = stepSessions.get(f.steps[0]) ?? new Set<string>();
        set.add(s.sessionId);
        stepSessions.set(f.steps[0], set);
      }
    }
  }
  return { features, stepSessions };
}

/**
 * Forward selection: each round tests every feature on the sessions not yet explained, accepts
 * the most significant one and sets its sessions aside, so that a feature merely co-occurring
 * with an accepted one (a pair containing the risky tool, a tool common in the same sessions)
 * is not proposed as well. Features whose failures an accepted error cluster already explains
 * are set aside without a proposal.
 */
export function mineFailureAssociations(tenantId: string, sessions: readonly SessionSignals[], t: DreamThresholds, input: AssociationInput): LessonCandidate[] {
  const allKnown = sessions.filter(hasKnownOutcome);
  const globalSteps = countFeatures(allKnown).stepSessions;
  let remaining = allKnown;
  const out: LessonCandidate[] = [];
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const totalFailed = remaining.filter(isFailed).length;
    const totalOk = remaining.length - totalFailed;
    if (totalFailed < t.minSessions || totalOk === 0) break;
    const { features } = countFeatures(remaining);
    const tested = [...features.entries()]
      .filter(([, f]) => f.failed.length >= t.minSessions && f.failed.length + f.succeeded < remaining.length)
      .sort((a, b) => (a[0] < b[0] ? -1 : 1));
    const pValues = tested.map(([, f]) => fisherExact(f.failed.length, f.succeeded, totalFailed - f.failed.length, totalOk - f.succeeded).greater);
    const adjusted = benjaminiHochberg(pValues);
    let best: { key: string; f: Feature; p: number; q: number } | undefined;
    tested.forEach(([key, f], i) => {
      if (adjusted[i] > t.maxPValue) return;
      const rate = f.failed.length / (f.failed.length + f.succeeded);
      const rateOthers = (totalFailed - f.failed.length) / Math.max(1, remaining.length - f.failed.length - f.succeeded);
      if (rate <= rateOthers || supportOf(f.failed).distinctUsers < t.minDistinctUsers) return;
      if (!best || pValues[i] < best.p || (pValues[i] === best.p && f.failed.length > best.f.failed.length)) best = { key, f, p: pValues[i], q: adjusted[i] };
    });
    if (!best) break;
    const { key, f, p, q } = best;
    remaining = remaining.filter((s) => !f.sessionIds.has(s.sessionId));
    const explained = f.steps.map((st) => input.errorSessionsByStep.get(st)).filter((x): x is ReadonlySet<string> => !!x);
    if (explained.length) {
      const covered = f.failed.filter((o) => explained.some((set) => set.has(o.session.sessionId))).length;
      if (covered * 2 >= f.failed.length) continue;
    }
    const failed = f.failed.length;
    const withF = failed + f.succeeded;
    const othersFailed = totalFailed - failed;
    const othersTotal = totalFailed + totalOk - withF;
    const rate = failed / withF;
    const support = supportOf(f.failed);
    const substitute = f.kind === 'tool' && !/\(/.test(f.steps[0]) ? substituteFor(f, allKnown, globalSteps) : undefined;
    const candidate: LessonCandidate = {
      kind: 'mistake',
      scope: scopeOf(tenantId, f.failed.map((o) => o.session), { tools: f.steps.map((s) => s.replace(/\(.*$/, '')) }),
      text: '-',
      fingerprint: fingerprintOf('mistake', tenantId, key),
      support,
      effectSize: logOddsRatio(failed, f.succeeded, othersFailed, totalOk - f.succeeded),
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
      },
    };
    candidate.text = templateText(candidate);
    out.push(candidate);
  }
  return out;
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

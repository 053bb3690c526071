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

export function mineFailureAssociations(tenantId: string, sessions: readonly SessionSignals[], t: DreamThresholds, input: AssociationInput): LessonCandidate[] {
  const known = sessions.filter(hasKnownOutcome);
  const totalFailed = known.filter(isFailed).length;
  const totalOk = known.length - totalFailed;
  if (totalFailed < t.minSessions || totalOk === 0) return [];
  const features = new Map<string, Feature>();
  const stepSessions = new Map<string, Set<string>>();
  for (const s of known) {
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
  const tested = [...features.entries()]
    .filter(([, f]) => f.failed.length >= t.minSessions && f.failed.length + f.succeeded < known.length)
    .sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const pValues = tested.map(([, f]) => fisherExact(f.failed.length, f.succeeded, totalFailed - f.failed.length, totalOk - f.succeeded).greater);
  const adjusted = benjaminiHochberg(pValues);
  const significant = new Map<string, { f: Feature; p: number; q: number; rate: number }>();
  tested.forEach(([key, f], i) => {
    const rate = f.failed.length / (f.failed.length + f.succeeded);
    const rateOthers = (totalFailed - f.failed.length) / Math.max(1, known.length - f.failed.length - f.succeeded);
    if (adjusted[i] <= t.maxPValue && rate > rateOthers) significant.set(key, { f, p: pValues[i], q: adjusted[i], rate });
  });

  const out: LessonCandidate[] = [];
  for (const [key, { f, p, q, rate }] of significant) {
    // Keep the most specific explanation only.
    if (f.kind === 'pair') {
      const covered = f.steps.some((st) => { const x = significant.get(`tool${SEP}${st}`) ?? significant.get(`unconfirmed${SEP}${st}`); return x && rate <= x.rate + 0.1; });
      if (covered) continue;
    }
    if (f.kind === 'tool') {
      const u = significant.get(`unconfirmed${SEP}${f.steps[0]}`);
      if (u && u.rate >= rate) continue;
    }
    if (f.kind === 'unconfirmed') {
      const tool = significant.get(`tool${SEP}${f.steps[0]}`);
      if (tool && tool.rate > rate) continue;
    }
    const explained = f.steps.map((st) => input.errorSessionsByStep.get(st)).filter((x): x is ReadonlySet<string> => !!x);
    if (explained.length) {
      const covered = f.failed.filter((o) => explained.some((set) => set.has(o.session.sessionId))).length;
      if (covered * 2 >= f.failed.length) continue;
    }
    const failed = f.failed.length;
    const withF = failed + f.succeeded;
    const othersFailed = totalFailed - failed;
    const othersTotal = known.length - withF;
    const support = supportOf(f.failed);
    if (support.distinctUsers < t.minDistinctUsers) continue;
    const substitute = f.kind === 'tool' && !/\(/.test(f.steps[0]) ? substituteFor(f, known, stepSessions) : undefined;
    const candidate: LessonCandidate = {
      kind: 'mistake',
      scope: scopeOf(tenantId, f.failed.map((o) => o.session), { tools: f.steps.map((s) => s.replace(/\(.*$/, '')) }),
      text: '-',
      fingerprint: fingerprintOf('mistake', tenantId, `${key}`),
      support,
      effectSize: logOddsRatio(failed, f.succeeded, othersFailed, known.length - totalFailed - f.succeeded),
      confidence: confidenceOf({ hits: failed, trials: withF, sessions: support.sessions, minSessions: t.minSessions, users: support.distinctUsers, minUsers: t.minDistinctUsers }),
      evidence: {
        refs: refsOf(f.failed),
        counts: { failedSessionsWithFeature: failed, sessionsWithFeature: withF, failedSessionsWithout: othersFailed, sessionsWithout: othersTotal },
      },
      facts: {
        pattern: 'failure-association', feature: f.kind, steps: f.steps, stepLabels: f.steps.map(describeStep),
        failedWith: failed, totalWith: withF, failureRateWith: round3(rate), failedWithout: othersFailed, totalWithout: othersTotal,
        failureRateWithout: round3(othersFailed / Math.max(1, othersTotal)), pValue: p, qValue: q, test: 'fisher-exact one-sided, Benjamini-Hochberg',
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

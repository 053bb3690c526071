import type { LessonCandidate } from '@reverie/contracts';
import { effectiveOutcome } from '../mining/evidence';
import type { SessionSignals } from '../signals/session-signals.model';
import { DEFAULT_EFFICACY_RULES, efficacyOf, type ArmCounts, type Efficacy, type EfficacyRules } from './efficacy';

/** A lesson agents are served now: the version whose efficacy is measured. */
export interface LiveLessonRef { lessonId: string; fingerprint: string; version: number }

/** One session's arm for one lesson version, as SERVING recorded it (served, or withheld: canary control or holdout). */
export interface ServingArm { lessonId: string; version: number; sessionId: string; arm: 'served' | 'control' }

export interface LessonEfficacy extends Efficacy { lessonId: string; version: number }

/**
 * Efficacy of each live lesson from what a dream sees: the sessions SERVING put in each arm of its
 * live version (the first arm recorded for a session counts), those of them that ended and were
 * read (their signals), and whether the lesson's pattern recurred in each, which is the dream's own
 * answer: the session is in the support of the candidate with the lesson's fingerprint (the same
 * miner, signature and thresholds that proposed it). A failure is the session's effective outcome.
 */
export function measureEfficacy(
  lessons: readonly LiveLessonRef[],
  arms: readonly ServingArm[],
  signals: readonly SessionSignals[],
  candidates: readonly LessonCandidate[],
  rules: EfficacyRules = DEFAULT_EFFICACY_RULES,
): LessonEfficacy[] {
  const ended = new Map(signals.map((s) => [s.sessionId, s]));
  const supportOf = new Map(candidates.map((c) => [c.fingerprint, new Set((c.support.provenance ?? []).flatMap((p) => [p.sessionId, ...(p.rootId ? [p.rootId] : [])]))]));
  const armsOf = new Map<string, Map<string, 'served' | 'control'>>();
  const live = new Map(lessons.map((l) => [l.lessonId, l]));
  for (const a of arms) {
    if (live.get(a.lessonId)?.version !== a.version) continue;
    let bySession = armsOf.get(a.lessonId);
    if (!bySession) armsOf.set(a.lessonId, (bySession = new Map()));
    if (!bySession.has(a.sessionId)) bySession.set(a.sessionId, a.arm);
  }
  return lessons.map((l) => {
    const recurs = supportOf.get(l.fingerprint) ?? new Set<string>();
    const counts: Record<'served' | 'control', ArmCounts> = { served: { sessions: 0, recurred: 0, failed: 0 }, control: { sessions: 0, recurred: 0, failed: 0 } };
    for (const [sessionId, arm] of armsOf.get(l.lessonId) ?? []) {
      const s = ended.get(sessionId);
      if (!s) continue; // still running, or not read yet: measured by a later dream
      const c = counts[arm];
      c.sessions++;
      if (recurs.has(sessionId) || (s.rootId !== undefined && recurs.has(s.rootId))) c.recurred++;
      if (effectiveOutcome(s) === 'failure') c.failed++;
    }
    return { lessonId: l.lessonId, version: l.version, ...efficacyOf(counts.served, counts.control, rules) };
  });
}

import type { LessonCandidate } from '@reverie/contracts';
import { preferenceUsersNeeded, type DreamThresholds } from '../thresholds';
import type { SessionSignals } from '../signals/session-signals.model';
import { confidenceOf } from '../stats/confidence.score';
import { fingerprintOf, refsOf, scopeOf, supportOf, type Occurrence } from './evidence';
import { templateText } from '../writer/template.writer';

/** Steps that users rejected or interrupted in several sessions: ask before running them. */
export function mineRejections(tenantId: string, sessions: readonly SessionSignals[], t: DreamThresholds): LessonCandidate[] {
  const bySteps = new Map<string, { tool: string; occ: Occurrence[]; used: number }>();
  for (const s of sessions) {
    for (const r of s.rejections) {
      const g = bySteps.get(r.step) ?? { tool: r.tool, occ: [], used: 0 };
      g.occ.push({ session: s, eventId: r.eventId, at: r.at, userId: r.userId });
      bySteps.set(r.step, g);
    }
  }
  if (bySteps.size === 0) return [];
  for (const s of sessions) for (const step of new Set(s.toolSequence)) { const g = bySteps.get(step); if (g) g.used++; }
  const needed = preferenceUsersNeeded(t, sessions);
  const out: LessonCandidate[] = [];
  for (const [step, g] of bySteps) {
    const support = supportOf(g.occ);
    if (support.sessions < t.minSessions || support.distinctUsers < needed.users) continue;
    const candidate: LessonCandidate = {
      kind: 'mistake',
      scope: scopeOf(tenantId, g.occ.map((o) => o.session), { tools: [g.tool] }),
      text: '-',
      fingerprint: fingerprintOf('mistake', tenantId, `rejected\u0000${step}`),
      support,
      effectSize: null,
      confidence: confidenceOf({ hits: support.sessions, trials: Math.max(g.used, support.sessions), sessions: support.sessions, minSessions: t.minSessions, users: support.distinctUsers, minUsers: needed.users }),
      evidence: { refs: refsOf(g.occ), counts: { rejections: support.occurrences, sessions: support.sessions, sessionsCallingStep: g.used } },
      facts: { pattern: 'rejection', tool: g.tool, step, sessionsCallingStep: g.used, corroboratedBy: needed.by },
    };
    candidate.text = templateText(candidate);
    out.push(candidate);
  }
  return out;
}

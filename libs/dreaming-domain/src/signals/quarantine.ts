import type { QuarantinedSource } from '@reverie/contracts';
import { isQuarantined } from '@reverie/lesson-domain';
import type { SessionSignals } from './session-signals.model';

/**
 * The signals a dream may mine once sources are quarantined: sessions from a quarantined session,
 * credential or user are left out whole, and in the others what a quarantined user said or did
 * (corrections, feedback, rejections) is dropped.
 */
export function withoutQuarantined(signals: readonly SessionSignals[], quarantined: readonly QuarantinedSource[]): SessionSignals[] {
  if (!quarantined.length) return [...signals];
  const users = new Set(quarantined.filter((q) => q.kind === 'user').map((q) => q.id));
  const out: SessionSignals[] = [];
  for (const s of signals) {
    if (isQuarantined(quarantined, { sessionId: s.sessionId, rootId: s.rootId, userIds: s.userId ? [s.userId] : [], ingestedBy: s.ingestedBy })) continue;
    if (!users.size) { out.push(s); continue; }
    const kept = <T extends { userId?: string }>(xs: T[]) => xs.filter((x) => !x.userId || !users.has(x.userId));
    out.push({ ...s, corrections: kept(s.corrections), feedback: kept(s.feedback), rejections: kept(s.rejections) });
  }
  return out;
}

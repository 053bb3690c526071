import type { LessonKind, QuarantinedSource, Support } from '@reverie/contracts';
import { isQuarantined } from '../tenant/tenant.state';
import type { LessonCommandMetadata } from './lesson.commands';
import { decide } from './lesson.decider';
import { toEnvelopes } from './lesson.envelopes';
import type { LessonEventRecord } from './lesson.event-records';
import { evolve, type LessonState } from './lesson.state';

/** How a tenant counts independent corroboration: users as the credentials asserted them, credentials as authenticated, or the smaller of the two. */
export type CorroborationCount = 'users' | 'credentials' | 'both';

/** What a lesson's support must keep to stay: the tenant's corroboration rule. */
export interface CorroborationRule {
  counts: CorroborationCount;
  /** Independent conversations. */
  minSessions: number;
  /** Independent sources, by lesson kind (a team preference asks more than one voice). */
  minIndependent: Record<LessonKind, number>;
}

export interface SupportCount { sessions: number; users: number; credentials: number }

/** Sessions, users and credentials as a support counts them (users and credentials from its sessions when it lists them). */
export function countSupport(support: Support): SupportCount {
  return { sessions: support.sessions, users: support.distinctUsers, credentials: support.credentials?.length ?? 0 };
}

/** Independent sources under the tenant's rule: one credential inventing user ids counts once under `credentials` and `both`. */
export function independentSources(support: Support, counts: CorroborationCount): number {
  const { users, credentials } = countSupport(support);
  // Sessions ingested before credentials were recorded carry none: count them as their users say.
  if (!support.credentials?.length) return users;
  return counts === 'users' ? users : counts === 'credentials' ? credentials : Math.min(users, credentials);
}

/** Why a support falls short of the rule, or undefined when it holds. */
export function shortOfRule(kind: LessonKind, support: Support, rule: CorroborationRule): string | undefined {
  if (support.sessions < rule.minSessions) return `${support.sessions} independent session(s); the tenant needs ${rule.minSessions}`;
  const independent = independentSources(support, rule.counts);
  const needed = rule.minIndependent[kind];
  if (independent < needed) {
    const { users, credentials } = countSupport(support);
    return `${independent} independent source(s) (${users} user(s) as asserted, ${credentials} ingesting credential(s); counted as ${rule.counts}); a ${kind} lesson needs ${needed}`;
  }
  return undefined;
}

/**
 * The support left once the quarantined sources are taken out, recounted from the sessions the
 * support lists: independent conversations, users and credentials of the sessions that remain.
 * Occurrences shrink in proportion. A support that lists no sessions cannot be recounted (0 removed).
 */
export function supportWithout(support: Support, sources: readonly QuarantinedSource[]): { support: Support; removedSessions: number } {
  const listed = support.provenance ?? [];
  const kept = listed.filter((s) => !isQuarantined(sources, s));
  const removedSessions = listed.length - kept.length;
  if (!removedSessions) return { support, removedSessions: 0 };
  const roots = new Set(kept.map((s) => s.rootId ?? s.sessionId));
  const users = new Set(kept.flatMap((s) => s.userIds ?? []));
  const credentials = new Set(kept.flatMap((s) => (s.ingestedBy?.[0] ? [s.ingestedBy[0]] : [])));
  const owners = new Set(kept.flatMap((s) => s.ingestedBy ?? []));
  const anonymous = kept.some((s) => !s.userIds?.length);
  return {
    removedSessions,
    support: {
      ...support,
      sessions: roots.size,
      distinctUsers: users.size + (anonymous ? 1 : 0),
      occurrences: Math.round((support.occurrences * kept.length) / listed.length),
      sources: [...owners].sort(),
      credentials: [...credentials].sort(),
      provenance: kept,
    },
  };
}

export type RevocationAction = 'rolled-back' | 'back-to-review' | 'rejected' | 'support-reduced' | 'words-erased';

export interface RevocationDecision {
  records: LessonEventRecord[];
  /** Absent when the sources supported nothing of this lesson. */
  outcome?: { action: RevocationAction; before: SupportCount; after: SupportCount; status: string };
}

/**
 * What quarantining sources does to one lesson: its support without them is recorded
 * (LessonEvidenceRevoked); a served lesson is withdrawn, for good when what is left falls short of
 * the tenant's rule, else back to review for a new approval on the evidence that remains; a
 * lesson in review that falls short is rejected. Every step goes through the lesson decider.
 */
export function decideRevocation(
  tenantId: string,
  lessonId: string,
  state: LessonState,
  /** `wordsQuoted`: an erasure found the lesson's words quoting the erased content (they are shredded, the lesson closed). */
  input: { revocationId: string; sources: QuarantinedSource[]; reason: string; rule: CorroborationRule; wordsQuoted?: boolean },
  metadata: LessonCommandMetadata,
): RevocationDecision {
  if (state.status === 'initial') return { records: [] };
  const { support, removedSessions } = supportWithout(state.support, input.sources);
  if (!removedSessions) return { records: [] };
  const records: LessonEventRecord[] = [];
  let next: LessonState = state;
  const step = (r: LessonEventRecord[]) => {
    records.push(...r);
    for (const e of toEnvelopes(tenantId, lessonId, r, metadata, () => 'pending')) next = evolve(next, e);
  };
  const wordsErased = input.wordsQuoted && !state.wordsErased ? { wordsErased: true as const } : {};
  step(decide({ type: 'RevokeLessonEvidence', data: { revocationId: input.revocationId, sources: input.sources, support, removedSessions, ...wordsErased }, metadata }, next));
  if (input.wordsQuoted) {
    // Closed whatever support is left: a revision in review is rejected, then a served version withdrawn for good (its words went with the key).
    const why = `revocation ${input.revocationId}: ${input.reason} (its words quoted the erased data)`;
    if (next.status === 'in-review' || next.status === 'blocked') step(decide({ type: 'RejectLesson', data: { reason: why }, metadata }, next));
    if (next.status === 'canary' || next.status === 'active') step(decide({ type: 'RollBackLesson', data: { reason: why, withdraw: 'for-good' }, metadata }, next));
    return { records, outcome: { action: 'words-erased', before: countSupport(state.support), after: countSupport(support), status: next.status } };
  }
  const short = shortOfRule(state.kind, support, input.rule);
  const why = `revocation ${input.revocationId}: ${input.reason}${short ? ` (left: ${short})` : ''}`;
  let action: RevocationAction = 'support-reduced';
  if (state.status === 'canary' || state.status === 'active') {
    step(decide({ type: 'RollBackLesson', data: { reason: why, withdraw: short ? 'for-good' : 'to-review' }, metadata }, next));
    action = short ? 'rolled-back' : 'back-to-review';
  } else if (short && (state.status === 'in-review' || state.status === 'blocked')) {
    step(decide({ type: 'RejectLesson', data: { reason: why }, metadata }, next));
    action = 'rejected';
  }
  return { records, outcome: { action, before: countSupport(state.support), after: countSupport(support), status: next.status } };
}


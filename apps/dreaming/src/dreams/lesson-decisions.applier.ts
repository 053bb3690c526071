import {
  deterministicId, lessonClaimSchema, lessonEventSchema, type Envelope, type Evidence, type LessonCandidate, type LessonEvent, type Support,
} from '@reverie/contracts';
import { ConcurrencyError, type EventStore } from '@reverie/event-store';
import {
  decide, evolve, evolveAll, LessonDomainError, mayReopen, mergeEvidence, toEnvelopes, type LessonCommandMetadata, type LessonEventRecord, type LessonState,
} from '@reverie/lesson-domain';
import { DREAMING_ACTOR } from './dream-events';

export type LessonOutcome = 'proposed' | 'reinforced' | 'reopened' | 'unchanged' | 'refused';

export interface AppliedLesson {
  lessonId: string;
  fingerprint: string;
  outcome: LessonOutcome;
  /** Why a decision took no effect (refused by the lesson decider, or nothing new). */
  note?: string;
}

interface Context {
  store: EventStore;
  tenantId: string;
  dreamId: string;
  now: string;
  /** Causation of the lesson events: the DreamStarted event. */
  causationId: string;
  rejectedRegrowthFactor: number;
}

const MAX_ATTEMPTS = 4;

/** A new lesson's id comes from its fingerprint, so a re-run (or a concurrent twin) lands on the same aggregate. */
export const lessonIdOf = (tenantId: string, fingerprint: string): string => deterministicId(tenantId, fingerprint);

/**
 * Turns one candidate into events on its lesson aggregate, deciding against the lesson's CURRENT
 * state read from LESSONS (the dreaming lesson index may lag): a lesson that does not exist is
 * proposed; one that exists gets only the support and evidence it does not have yet (support in a
 * LessonEvidenceAdded is new support, as lesson-domain folds it); a rejected one whose support grew
 * past the factor is reopened. Appends expect the aggregate's last sequence; on a conflict the
 * lesson is read and decided again.
 */
export async function applyCandidate(ctx: Context, action: 'propose' | 'reinforce' | 'reopen', lessonId: string, candidate: LessonCandidate): Promise<AppliedLesson> {
  const base = { lessonId, fingerprint: candidate.fingerprint };
  for (let attempt = 1; ; attempt++) {
    const { events, lastSeq } = await readLesson(ctx.store, ctx.tenantId, lessonId);
    const state = evolveAll(events);
    let records: LessonEventRecord[];
    let outcome: LessonOutcome;
    try {
      ({ records, outcome } = decideFor(ctx, action, lessonId, state, events, candidate));
    } catch (err) {
      if (err instanceof LessonDomainError) return { ...base, outcome: 'refused', note: err.message };
      throw err;
    }
    if (!records.length) return { ...base, outcome: 'unchanged', note: 'no new support or evidence' };
    const metadata: LessonCommandMetadata = { now: ctx.now, actor: DREAMING_ACTOR, correlationId: ctx.dreamId, causationId: ctx.causationId };
    const envelopes = toEnvelopes(ctx.tenantId, lessonId, records, metadata, (e) => deterministicId('lesson-event', ctx.tenantId, lessonId, ctx.dreamId, e.type));
    try {
      await ctx.store.appendToAggregate('lessons', envelopes as Envelope[], lastSeq);
      return { ...base, outcome };
    } catch (err) {
      if (err instanceof ConcurrencyError && attempt < MAX_ATTEMPTS) continue;
      throw err;
    }
  }
}

function decideFor(ctx: Context, action: 'propose' | 'reinforce' | 'reopen', lessonId: string, state: LessonState, events: LessonEvent[], candidate: LessonCandidate): { records: LessonEventRecord[]; outcome: LessonOutcome } {
  const metadata: LessonCommandMetadata = { now: ctx.now, actor: DREAMING_ACTOR, correlationId: ctx.dreamId };
  if (state.status === 'initial') {
    if (action !== 'propose') throw new LessonDomainError('not-found', `lesson ${candidate.fingerprint} is in the index but not on LESSONS`);
    const claim = lessonClaimSchema.parse(candidate); // drops the writer-only `facts`
    return { records: decide({ type: 'ProposeLesson', data: { ...claim, dreamId: ctx.dreamId }, metadata }, state), outcome: 'proposed' };
  }
  const current = currentEvidence(events);
  const known = new Set(current.refs.map((r) => r.eventId));
  const refs = candidate.evidence.refs.filter((r) => !known.has(r.eventId));
  const support = supportDelta(state.support, candidate.support);
  const records: LessonEventRecord[] = [];
  let next: LessonState = state;
  if (refs.length || support.sessions > 0 || support.occurrences > 0) {
    const evidence: Evidence = { refs, counts: countsDelta(current.counts, candidate.evidence.counts) };
    records.push(...decide({ type: 'AddLessonEvidence', data: { dreamId: ctx.dreamId, support, evidence, confidence: candidate.confidence }, metadata }, state));
    for (const e of toEnvelopes(ctx.tenantId, lessonId, records, metadata, () => 'pending')) next = evolve(next, e);
  }
  if (next.status === 'rejected' && mayReopen({ status: 'rejected', supportSessions: next.support.sessions, supportAtRejection: next.supportAtRejection }, { byReviewer: false, factor: ctx.rejectedRegrowthFactor }).reopen) {
    const reason = `support grew from ${next.supportAtRejection} sessions at rejection to ${next.support.sessions} (factor ${ctx.rejectedRegrowthFactor})`;
    records.push(...decide({ type: 'ReopenLesson', data: { dreamId: ctx.dreamId, reason, supportGrowthFactor: ctx.rejectedRegrowthFactor }, metadata }, next));
    return { records, outcome: 'reopened' };
  }
  return { records, outcome: 'reinforced' };
}

async function readLesson(store: EventStore, tenantId: string, lessonId: string): Promise<{ events: LessonEvent[]; lastSeq: number }> {
  const { events, lastSeq } = await store.readAggregate('lessons', tenantId, lessonId);
  const parsed: LessonEvent[] = [];
  for (const e of events) {
    const p = lessonEventSchema.safeParse(e.event);
    if (p.success) parsed.push(p.data);
  }
  return { events: parsed, lastSeq };
}

function currentEvidence(events: LessonEvent[]): Evidence {
  let evidence: Evidence = { refs: [], counts: {} };
  for (const e of events) {
    if (e.type === 'LessonProposed' || e.type === 'LessonEvidenceAdded') evidence = mergeEvidence(evidence, e.data.evidence);
  }
  return evidence;
}

/** The candidate's support is the pattern's total over every stored session; the lesson already counts part of it. */
export function supportDelta(current: Support, total: Support): Support {
  return {
    sessions: Math.max(0, total.sessions - current.sessions),
    occurrences: Math.max(0, total.occurrences - current.occurrences),
    distinctUsers: total.distinctUsers,
    firstSeen: total.firstSeen,
    lastSeen: total.lastSeen,
  };
}

function countsDelta(current: Record<string, number>, total: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(total)) out[k] = Math.max(0, v - (current[k] ?? 0));
  return out;
}


import type { SessionEvent } from '@reverie/contracts';
import type { IngestSessionView } from '@reverie/ingest-client';

/**
 * What one batch of new events changes in one session's summary. Counts are increments; the
 * descriptive fields are the values the batch states (undefined: the batch says nothing).
 * Folding is pure; the database merges a delta into the stored row (sessions.repository.ts),
 * so two replicas applying batches of one session concurrently both count. It has the fields of
 * the session view.
 */
export type SessionDelta = IngestSessionView;

export const emptyDelta = (tenantId: string, sessionId: string): SessionDelta => ({
  tenantId, sessionId, events: 0, messages: 0, toolCalls: 0, toolErrors: 0, redactions: {}, lastSeq: 0,
});

/** Folds one event (at stream sequence `seq`) into its session's delta. */
export function evolve(delta: SessionDelta, event: SessionEvent, seq: number): SessionDelta {
  const next: SessionDelta = { ...delta, events: delta.events + 1, lastSeq: Math.max(delta.lastSeq, seq), redactions: { ...delta.redactions } };
  for (const [kind, n] of Object.entries(event.redactions ?? {})) next.redactions[kind] = (next.redactions[kind] ?? 0) + n;
  switch (event.type) {
    case 'SessionStarted':
      next.agentId = event.data.agentId;
      next.userId = event.data.userId ?? next.userId;
      next.source = event.data.source;
      next.parentSessionId = event.data.parentSessionId ?? next.parentSessionId;
      next.startedAt = earliest(next.startedAt, event.data.startedAt);
      break;
    case 'UserMessageRecorded':
    case 'AssistantMessageRecorded':
      next.messages++;
      break;
    case 'ToolCallRecorded':
      next.toolCalls++;
      break;
    case 'ToolResultRecorded':
      if (event.data.isError) next.toolErrors++;
      break;
    case 'SessionEnded':
      next.outcome = event.data.outcome;
      next.endedAt = event.occurredAt;
      break;
    case 'FeedbackRecorded':
    case 'CompactionRecorded':
      break;
    default: {
      const never: never = event;
      return never;
    }
  }
  return next;
}

function earliest(a: string | undefined, b: string): string {
  return a === undefined || Date.parse(b) < Date.parse(a) ? b : a;
}

/** One delta per session touched by the events, in first-seen order. */
export function sessionDeltas(events: { event: SessionEvent; seq: number }[]): SessionDelta[] {
  const bySession = new Map<string, SessionDelta>();
  for (const { event, seq } of events) {
    const key = `${event.tenantId}\u0000${event.streamId}`;
    bySession.set(key, evolve(bySession.get(key) ?? emptyDelta(event.tenantId, event.streamId), event, seq));
  }
  return [...bySession.values()];
}

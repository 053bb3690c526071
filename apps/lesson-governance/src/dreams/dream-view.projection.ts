import type { DreamEvent, DreamView } from '@reverie/contracts';

const RANK: Record<DreamView['status'], number> = { requested: 0, running: 1, completed: 2, failed: 2 };

/**
 * Folds one DREAMS event into the dream's view. Every event sets fields to values it carries and
 * the status never moves backwards, so applying an event twice (or a late redelivery of an
 * earlier one) leaves the view as it was. A run seen without its DreamRequested still gets a view.
 */
export function evolveDreamView(view: DreamView | undefined, event: DreamEvent): DreamView {
  const base: DreamView = view ?? {
    id: event.streamId,
    tenantId: event.tenantId,
    status: 'requested',
    trigger: 'unknown',
    requestedAt: event.occurredAt,
    proposedLessonIds: [],
    reinforcedLessonIds: [],
  };
  const advance = (status: DreamView['status']) => (RANK[status] >= RANK[base.status] ? status : base.status);
  switch (event.type) {
    case 'DreamRequested':
      return { ...base, trigger: event.data.trigger, requestedAt: event.occurredAt };
    case 'DreamStarted':
      return { ...base, status: advance('running') };
    case 'DreamCompleted':
      if (base.status === 'failed') return base;
      return {
        ...base,
        status: 'completed',
        completedAt: event.occurredAt,
        counts: event.data.counts,
        tokens: event.data.tokens,
        durationMs: event.data.durationMs,
        proposedLessonIds: event.data.proposedLessonIds,
        reinforcedLessonIds: event.data.reinforcedLessonIds,
      };
    case 'DreamFailed':
      if (base.status === 'completed') return base;
      return { ...base, status: 'failed', completedAt: event.occurredAt, error: event.data.error };
    default:
      return exhaustive(event);
  }
}

function exhaustive(x: never): never {
  throw new Error(`unknown dream event type: ${(x as { type?: unknown }).type}`);
}

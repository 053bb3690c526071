import type { DreamEvent, DreamView } from '@reverie/contracts';

/** Folds one dream's events (DREAMS aggregate, in order) into its view; undefined when there are none. */
export function dreamViewOf(events: readonly DreamEvent[]): DreamView | undefined {
  let view: DreamView | undefined;
  for (const e of events) {
    switch (e.type) {
      case 'DreamRequested':
        view = {
          id: e.streamId, tenantId: e.tenantId, status: 'requested', trigger: e.data.trigger,
          requestedAt: e.occurredAt, proposedLessonIds: [], reinforcedLessonIds: [],
        };
        break;
      case 'DreamStarted':
        if (view) view = { ...view, status: 'running' };
        break;
      case 'DreamCompleted':
        if (view) {
          view = {
            ...view, status: 'completed', completedAt: e.occurredAt, counts: e.data.counts, tokens: e.data.tokens,
            durationMs: e.data.durationMs, proposedLessonIds: e.data.proposedLessonIds, reinforcedLessonIds: e.data.reinforcedLessonIds,
          };
        }
        break;
      case 'DreamFailed':
        if (view) view = { ...view, status: 'failed', completedAt: e.occurredAt, error: e.data.error };
        break;
      default:
        return exhaustive(e);
    }
  }
  return view;
}

function exhaustive(x: never): never {
  throw new Error(`unknown dream event type: ${(x as { type?: unknown }).type}`);
}

import type { DreamEvent, DreamView } from '@reverie/contracts';
import { evolveDream, initialDreamState, type DreamState } from '../dream/dream.state';

/** The trigger of a view whose DreamRequested was not seen (see `evolveDreamView`). */
export const UNKNOWN_DREAM_TRIGGER = 'unknown';

/**
 * Folds one DREAMS event into the dream's view: the one view dreaming answers `GET /v1/dreams/:id`
 * with and lesson-governance keeps in `governance_dreams`. Whether the event moves the dream, and
 * where to, is the dream slice's `evolveDream`; an event it does not apply (a redelivery, a late
 * DreamStarted, a second ending) leaves the view as it is, so the fold is idempotent and never moves
 * backwards. A run seen without its DreamRequested (one that went to DEADLETTER, say) still gets a
 * view: taken as requested when first seen, trigger "unknown" until the request turns up.
 */
export function evolveDreamView(view: DreamView | undefined, event: DreamEvent): DreamView {
  const base = view ?? impliedRequest(event);
  const from: DreamState = view ? { status: view.status } : event.type === 'DreamRequested' ? initialDreamState() : { status: 'requested' };
  const to = evolveDream(from, event);
  if (to === from || to.status === 'initial') {
    // Not a step of the dream; only a request seen after its run's other events fills in what was implied.
    return event.type === 'DreamRequested' && base.trigger === UNKNOWN_DREAM_TRIGGER
      ? { ...base, trigger: event.data.trigger, requestedAt: event.occurredAt }
      : base;
  }
  const status = to.status;
  switch (event.type) {
    case 'DreamRequested':
      return { ...base, status, trigger: event.data.trigger, requestedAt: event.occurredAt };
    case 'DreamStarted':
      return { ...base, status };
    case 'DreamCompleted':
      return {
        ...base,
        status,
        completedAt: event.occurredAt,
        counts: event.data.counts,
        tokens: event.data.tokens,
        durationMs: event.data.durationMs,
        proposedLessonIds: event.data.proposedLessonIds,
        reinforcedLessonIds: event.data.reinforcedLessonIds,
      };
    case 'DreamFailed':
      return { ...base, status, completedAt: event.occurredAt, error: event.data.error };
    default:
      return exhaustive(event);
  }
}

/** Folds one dream's events (its DREAMS aggregate, in order) into its view; undefined when there are none. */
export function dreamViewOf(events: Iterable<DreamEvent>): DreamView | undefined {
  let view: DreamView | undefined;
  for (const e of events) view = evolveDreamView(view, e);
  return view;
}

/** A dream's view as of its request, when the request itself was not seen. */
function impliedRequest(event: DreamEvent): DreamView {
  return {
    id: event.streamId,
    tenantId: event.tenantId,
    status: 'requested',
    trigger: UNKNOWN_DREAM_TRIGGER,
    requestedAt: event.occurredAt,
    proposedLessonIds: [],
    reinforcedLessonIds: [],
  };
}

function exhaustive(x: never): never {
  throw new Error(`unknown dream event type: ${(x as { type?: unknown }).type}`);
}

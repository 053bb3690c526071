import type { DreamEvent, DreamView } from '@reverie/contracts';

/** Where a dream run is: requested → running → completed, or failed (from requested or running). */
export type DreamStatus = DreamView['status'];

export type DreamState =
  | { status: 'initial' }
  | { status: 'requested' }
  | { status: 'running' }
  | { status: 'completed' }
  | { status: 'failed' };

export type DreamStatusOf<S extends DreamState['status']> = Extract<DreamState, { status: S }>;

export const initialDreamState = (): DreamState => ({ status: 'initial' });

/**
 * Folds one stored DREAMS event into the state. Events are facts: an event that could not have been
 * decided in the current state (a redelivery, a late DreamStarted, a second ending, a corrupt or
 * foreign stream) leaves the state as it is, and the state itself is returned. So a dream never
 * moves backwards and, of two endings, the first one stands. An ending recorded before any
 * DreamStarted still ends the dream: the run stopped before it could record its start.
 */
export function evolveDream(state: DreamState, event: DreamEvent): DreamState {
  switch (event.type) {
    case 'DreamRequested':
      return state.status === 'initial' ? { status: 'requested' } : state;
    case 'DreamStarted':
      return state.status === 'requested' ? { status: 'running' } : state;
    case 'DreamCompleted':
      return isUnderway(state) ? { status: 'completed' } : state;
    case 'DreamFailed':
      return isUnderway(state) ? { status: 'failed' } : state;
    default:
      return exhaustive(event);
  }
}

export function evolveDreamAll(events: Iterable<DreamEvent>, state: DreamState = initialDreamState()): DreamState {
  let s = state;
  for (const e of events) s = evolveDream(s, e);
  return s;
}

/** Requested or running: the dream has not ended. */
export function isUnderway(state: DreamState): state is DreamStatusOf<'requested' | 'running'> {
  return state.status === 'requested' || state.status === 'running';
}

function exhaustive(x: never): never {
  throw new Error(`unknown dream event type: ${(x as { type?: unknown }).type}`);
}

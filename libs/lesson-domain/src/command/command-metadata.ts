import type { Actor } from '@reverie/contracts';

/** Who asks, when, and in answer to what: the clock and the actor come in here, never from a decider. */
export interface CommandMetadata {
  /** ISO date-time with offset; becomes occurredAt/recordedAt of the resulting events. */
  now: string;
  actor: Actor;
  correlationId: string;
  causationId?: string;
}

import type { Actor, DreamEvent } from '@reverie/contracts';

/** Who asks, when, and in answer to what: the clock and the actor come in here, never from the decider. */
export interface DreamCommandMetadata {
  /** ISO date-time with offset; becomes occurredAt/recordedAt of the resulting events. */
  now: string;
  actor: Actor;
  correlationId: string;
  causationId?: string;
}

interface Command<T extends string, D> {
  type: T;
  data: D;
  metadata: DreamCommandMetadata;
}

type DataOf<T extends DreamEvent['type']> = Extract<DreamEvent, { type: T }>['data'];

export type RequestDream = Command<'RequestDream', DataOf<'DreamRequested'>>;
/** Window (SESSIONS sequences), analyzer version, thresholds and writer the run uses. */
export type StartDream = Command<'StartDream', DataOf<'DreamStarted'>>;
export type CompleteDream = Command<'CompleteDream', DataOf<'DreamCompleted'>>;
export type FailDream = Command<'FailDream', DataOf<'DreamFailed'>>;

export type DreamCommand = RequestDream | StartDream | CompleteDream | FailDream;
export type DreamCommandType = DreamCommand['type'];

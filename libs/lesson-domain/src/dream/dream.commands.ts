import type { CommandMetadata } from '../command/command-metadata';
import type { DreamEvent } from '@reverie/contracts';

export type DreamCommandMetadata = CommandMetadata;

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

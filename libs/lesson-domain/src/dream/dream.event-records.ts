import type { DreamEvent } from '@reverie/contracts';

/** An event as the dream decider returns it: type and data only; the service builds the envelopes. */
export type DreamEventRecord = {
  [K in DreamEvent['type']]: { type: K; data: Extract<DreamEvent, { type: K }>['data'] };
}[DreamEvent['type']];

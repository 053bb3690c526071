import type { StreamKey } from '@reverie/contracts';
import type { EventStore } from './event-store';
import { decodeJson } from './codec';
import { REDRIVE_HEADER } from './deadletter-tools';
import { readToEnd } from './ordered-read';

/** A bound of a replay: a stream sequence or a time. */
export type RangeBound = { seq: number } | { time: Date };

export interface StreamRangeMessage {
  seq: number;
  subject: string;
  /** When JetStream stored it. */
  storedAt: string;
  /** The stored JSON (sealed fields stay sealed), or undefined when it is not JSON. */
  event: unknown;
  /** A redriven copy of a dead-lettered message (see DeadletterTools). */
  redriven: boolean;
}

/** `42` → sequence 42; an ISO date or date-time → that time. Throws naming what is wrong. */
export function parseRangeBound(value: string, option: string): RangeBound {
  if (/^\d+$/.test(value)) {
    const seq = Number(value);
    if (seq < 1 || !Number.isSafeInteger(seq)) throw new Error(`${option} must be a stream sequence from 1, or an ISO date-time; got "${value}"`);
    return { seq };
  }
  const time = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(time.getTime())) throw new Error(`${option} must be a stream sequence or an ISO date-time such as 2026-11-30T12:00:00Z; got "${value}"`);
  return { time };
}

const after = (bound: RangeBound, seq: number, at: Date) => ('seq' in bound ? seq > bound.seq : at.getTime() > bound.time.getTime());

/**
 * The messages of a stream from `from` to `to` (both included; `to` absent: the stream's end at
 * the time of the call), optionally on one subject filter, read through an ordered consumer.
 */
export async function* readStreamRange(store: EventStore, stream: StreamKey, options: { from: RangeBound; to?: RangeBound; filterSubject?: string; batchSize?: number }): AsyncGenerator<StreamRangeMessage> {
  const { from, to } = options;
  for await (const m of readToEnd(store.js, store.topology.streamName(stream), options.filterSubject ?? store.topology.wildcard(stream), {
    ...('seq' in from ? { fromSeq: from.seq } : { fromTime: from.time }),
    maxMessages: options.batchSize ?? 500,
  })) {
    const storedAt = m.time;
    if (to && after(to, m.seq, storedAt)) return;
    let event: unknown;
    try {
      event = decodeJson(m.data);
    } catch {
      event = undefined;
    }
    yield { seq: m.seq, subject: m.subject, storedAt: storedAt.toISOString(), event, redriven: Boolean(m.headers?.get(REDRIVE_HEADER)) };
  }
}

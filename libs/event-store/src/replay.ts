import type { DataSource } from 'typeorm';
import type { Envelope, StreamKey } from '@reverie/contracts';
import { parseMessage, type EventParser } from './consumer-runner';
import { REDRIVE_HEADER } from './deadletter-tools';
import { readToEnd } from './ordered-read';
import type { EventStore, StoredEvent } from './event-store';
import { applyProjectionBatch, type Projection } from './projection-runner';
import { readCheckpoint, resetClaims, writeCheckpoint } from './checkpoint';

/**
 * Reads a stream from the start (or `fromSeq`) to its current end through an ordered consumer,
 * yielding batches. Invalid messages are skipped and counted, not fatal: replay is for rebuilding.
 */
export async function* replay<E extends Envelope>(store: EventStore, stream: StreamKey, parser: EventParser<E>, options: { fromSeq?: number; filterSubject?: string; batchSize?: number } = {}): AsyncGenerator<StoredEvent<E>[]> {
  const batchSize = options.batchSize ?? 1000;
  let batch: StoredEvent<E>[] = [];
  const filterSubject = options.filterSubject ?? store.topology.wildcard(stream);
  for await (const m of readToEnd(store.js, store.topology.streamName(stream), filterSubject, { fromSeq: options.fromSeq, maxMessages: batchSize })) {
    // A redriven copy is for the one consumer that failed the original; a replay reads the original.
    const parsed = m.headers?.get(REDRIVE_HEADER) ? undefined : parseMessage(m, parser);
    if (parsed && 'event' in parsed) batch.push({ event: parsed.event, seq: m.seq, subject: m.subject });
    if (batch.length >= batchSize || m.info.pending === 0) {
      if (batch.length) yield batch;
      batch = [];
    }
  }
}

/** Rebuilds a projection from the log: `reset` empties its tables, then every event is re-applied. */
export async function rebuildProjection<E extends Envelope>(opts: { store: EventStore; dataSource: DataSource; stream: StreamKey; parser: EventParser<E>; projection: Projection<E>; reset: (manager: import('typeorm').EntityManager) => Promise<void> }): Promise<{ events: number; lastSeq: number }> {
  const { dataSource, projection } = opts;
  await dataSource.transaction(async (manager) => {
    await opts.reset(manager);
    await readCheckpoint(manager, projection.name);
    await writeCheckpoint(manager, projection.name, 0);
    await resetClaims(manager, projection.name);
  });
  let events = 0;
  let lastSeq = 0;
  for await (const batch of replay(opts.store, opts.stream, opts.parser)) {
    lastSeq = await dataSource.transaction((manager) => applyProjectionBatch(manager, projection, batch));
    events += batch.length;
  }
  return { events, lastSeq };
}

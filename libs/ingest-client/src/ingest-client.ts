import type { SessionEvent } from '@reverie/contracts';
import { httpTransport, type HttpTransportOptions } from './http.transport';
import { natsTransport, type NatsTransportOptions } from './nats.transport';
import type { IngestResponse } from './protocol';
import { withRetry, type Backoff, type IngestSendError } from './retry';
import type { IngestTransport } from './transport';

type Optional<T, K extends keyof T> = Omit<T, K> & Partial<Pick<T, K>>;
type DistributiveOptional<T, K extends PropertyKey> = T extends unknown ? Optional<T, Extract<K, keyof T>> : never;

/**
 * A session event as a publisher sends it: the service takes the tenant from the API key, and
 * fills `recordedAt` and `schemaVersion` when they are missing.
 */
export type IngestEvent = DistributiveOptional<SessionEvent, 'tenantId' | 'recordedAt' | 'schemaVersion' | 'correlationId'>;

export type IngestTransportOptions = HttpTransportOptions | NatsTransportOptions;

export interface IngestClientOptions {
  /** Events per request; default 500. */
  batchSize?: number;
  /** How long `record` buffers before sending what it has; default 200 ms. */
  flushIntervalMs?: number;
  /** Retries of a batch after a 429, a 5xx, a timeout or a network error; default 5. */
  maxRetries?: number;
  backoff?: Backoff;
  /** `record` throws once this many events wait to be sent; default 100000. */
  maxBuffered?: number;
  /** Called for each batch sent in the background by `record`. */
  onResult?: (result: IngestResponse) => void;
  /** Called when a background batch failed for good (its events are lost unless re-recorded). */
  onError?: (error: IngestSendError, events: IngestEvent[]) => void;
  onRetry?: (error: IngestSendError, attempt: number, delayMs: number) => void;
}

export interface IngestClient {
  /** Buffers an event; it is sent when `batchSize` events are waiting or after `flushIntervalMs`. */
  record(event: IngestEvent): void;
  /**
   * Sends everything buffered, waits for every batch in flight, and returns what the service
   * answered since the previous `flush` (rejection indexes count the events recorded since then).
   * Throws the first failure of a batch sent in that time.
   */
  flush(): Promise<IngestResponse>;
  /** Sends these events now (in batches of `batchSize`, in order); rejection indexes refer to `events`. */
  sendBatch(events: IngestEvent[]): Promise<IngestResponse>;
  /** Flushes, then releases the connection when the client opened it. */
  close(): Promise<IngestResponse>;
  readonly transport: 'http' | 'nats';
}

export const emptyResponse = (): IngestResponse => ({ accepted: 0, duplicates: 0, rejected: [], redactions: {} });

export function mergeResponse(into: IngestResponse, add: IngestResponse, indexOffset: number): IngestResponse {
  into.accepted += add.accepted;
  into.duplicates += add.duplicates;
  for (const r of add.rejected ?? []) into.rejected.push({ ...r, index: r.index + indexOffset });
  for (const [k, v] of Object.entries(add.redactions ?? {})) into.redactions[k] = (into.redactions[k] ?? 0) + v;
  return into;
}

/**
 * Splits events into request bodies of at most `batchSize` events and about `maxBytes` bytes,
 * serializing each event once. An event bigger than `maxBytes` travels alone (the service then
 * names it in its answer).
 */
export function encodeBatches(events: readonly unknown[], batchSize: number, maxBytes: number): { body: string; start: number; count: number }[] {
  const out: { body: string; start: number; count: number }[] = [];
  let parts: string[] = [];
  let bytes = 0;
  let start = 0;
  const close = () => {
    if (parts.length) out.push({ body: `{"events":[${parts.join(',')}]}`, start, count: parts.length });
    start += parts.length;
    parts = [];
    bytes = 0;
  };
  for (const event of events) {
    const json = JSON.stringify(event) ?? 'null';
    const size = Buffer.byteLength(json) + 1;
    if (parts.length && (parts.length >= batchSize || bytes + size + 12 > maxBytes)) close();
    parts.push(json);
    bytes += size;
  }
  close();
  return out;
}

export function createIngestClient(transportOptions: IngestTransportOptions, options: IngestClientOptions = {}): IngestClient {
  const batchSize = options.batchSize ?? 500;
  const flushIntervalMs = options.flushIntervalMs ?? 200;
  const maxRetries = options.maxRetries ?? 5;
  const maxBuffered = options.maxBuffered ?? 100_000;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`ingest client: batchSize must be a positive integer, got ${batchSize}`);
  if (!Number.isInteger(maxRetries) || maxRetries < 0) throw new Error(`ingest client: maxRetries must be a whole number ≥ 0, got ${maxRetries}`);

  const transport: IngestTransport = transportOptions.transport === 'http' ? httpTransport(transportOptions) : transportOptions.transport === 'nats' ? natsTransport(transportOptions) : unknownTransport(transportOptions);

  const sendEncoded = async (events: readonly IngestEvent[]): Promise<IngestResponse> => {
    const result = emptyResponse();
    const maxBytes = await transport.maxBodyBytes();
    for (const batch of encodeBatches(events, batchSize, maxBytes)) {
      const answer = await withRetry(() => transport.send(batch.body, batch.count), { maxRetries, backoff: options.backoff, onRetry: options.onRetry });
      mergeResponse(result, answer, batch.start);
    }
    return result;
  };

  // Background sending for `record`: one batch at a time, so events reach the stream in the order recorded.
  let buffer: IngestEvent[] = [];
  let bufferedTotal = 0;
  let dispatchedSinceFlush = 0;
  let timer: NodeJS.Timeout | undefined;
  let chain: Promise<void> = Promise.resolve();
  let sinceFlush = emptyResponse();
  let failure: IngestSendError | undefined;
  let closed = false;

  const dispatch = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (!buffer.length) return;
    const events = buffer;
    const offset = dispatchedSinceFlush;
    const target = sinceFlush;
    dispatchedSinceFlush += events.length;
    buffer = [];
    chain = chain.then(async () => {
      try {
        const r = await sendEncoded(events);
        mergeResponse(target, r, offset);
        options.onResult?.(r);
      } catch (err) {
        const e = err as IngestSendError;
        failure ??= e;
        options.onError?.(e, events);
      } finally {
        bufferedTotal -= events.length;
      }
    });
  };

  return {
    transport: transport.name,
    record(event) {
      if (closed) throw new Error('ingest client: record() after close()');
      if (bufferedTotal >= maxBuffered) throw new Error(`ingest client: ${bufferedTotal} events are waiting to be sent (maxBuffered ${maxBuffered}); is session-ingest reachable?`);
      buffer.push(event);
      bufferedTotal++;
      if (buffer.length >= batchSize) dispatch();
      else timer ??= setTimeout(dispatch, flushIntervalMs);
    },
    async flush() {
      dispatch();
      // Batches dispatched while waiting (record() hitting batchSize) belong to this flush too.
      let settled: Promise<void>;
      do {
        settled = chain;
        await settled;
      } while (settled !== chain);
      const result = sinceFlush;
      const err = failure;
      sinceFlush = emptyResponse();
      dispatchedSinceFlush = 0;
      failure = undefined;
      if (err) throw err;
      return result;
    },
    sendBatch: (events) => sendEncoded(events),
    async close() {
      if (closed) return emptyResponse();
      closed = true;
      try {
        return await this.flush();
      } finally {
        await transport.close();
      }
    },
  };
}

function unknownTransport(options: never): never {
  throw new Error(`ingest client: transport must be 'http' or 'nats', got ${JSON.stringify((options as { transport?: unknown }).transport)}`);
}

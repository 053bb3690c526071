import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { headers as natsHeaders, type MsgHdrs, type NatsConnection } from '@nats-io/transport-node';
import { AckPublisher } from './ack-publisher';
import type { Envelope, StreamKey, Topology } from '@reverie/contracts';
import { decodeJson, encodeEvent } from './codec';
import { ConcurrencyError, isWrongLastSequence } from './errors';
import { readToEnd } from './ordered-read';
import { injectTraceContext, traceHeaderPairs } from './trace-context';

const MSG_ID = 'Nats-Msg-Id';
const EXPECTED_LAST_SUBJECT_SEQ = 'Nats-Expected-Last-Subject-Sequence';

type AggregateStream = Exclude<StreamKey, 'deadletter'>;

export interface StoredEvent<E extends Envelope = Envelope> {
  event: E;
  /** Stream sequence of the message. */
  seq: number;
  subject: string;
}

export interface AppendResult { seq: number; duplicate: boolean; }

export interface AppendOptions {
  /** Optimistic concurrency: the last sequence of the aggregate's subject (0 for a new aggregate). */
  expectedLastSubjectSeq?: number;
  headers?: MsgHdrs;
}

/**
 * The JetStream message id of an event: its tenant and its id. Event ids can come from callers
 * (the ingest API takes them as sent), so an id alone would let one tenant's events suppress
 * another's inside the dedup window.
 */
export function messageIdOf(event: Pick<Envelope, 'tenantId' | 'id'>): string {
  return `${event.tenantId}:${event.id}`;
}

/**
 * The event log on JetStream. Each event is a message on `<stream>.<tenant>.<aggregateId>` whose
 * `Nats-Msg-Id` is `messageIdOf(event)`, so a re-sent event is dropped within the dedup window.
 */
export class EventStore {
  readonly js: JetStreamClient;
  private jsmPromise?: Promise<JetStreamManager>;
  private readonly publisher: AckPublisher;

  constructor(readonly nc: NatsConnection, readonly topology: Topology) {
    this.js = jetstream(nc);
    this.publisher = new AckPublisher(nc);
  }

  jsm(): Promise<JetStreamManager> {
    return (this.jsmPromise ??= jetstreamManager(this.nc));
  }

  subjectOf(key: AggregateStream, event: Pick<Envelope, 'tenantId' | 'streamId'>): string {
    return this.topology.subject(key, event.tenantId, event.streamId);
  }

  async append(key: AggregateStream, event: Envelope, options: AppendOptions = {}): Promise<AppendResult> {
    const subject = this.subjectOf(key, event);
    const expected = options.expectedLastSubjectSeq;
    const headers = injectTraceContext(options.headers ?? natsHeaders());
    headers.set(MSG_ID, messageIdOf(event));
    if (expected !== undefined) headers.set(EXPECTED_LAST_SUBJECT_SEQ, String(expected));
    try {
      const ack = await this.publisher.publish(subject, encodeEvent(event), headers);
      return { seq: ack.seq, duplicate: ack.duplicate };
    } catch (err) {
      if (expected !== undefined && isWrongLastSequence(err)) throw new ConcurrencyError(subject, expected, err);
      throw err;
    }
  }

  /**
   * Appends several events to one aggregate atomically with respect to other writers: the first
   * carries the expected sequence, each next one expects the previous one's sequence.
   */
  async appendToAggregate(key: AggregateStream, events: Envelope[], expectedLastSubjectSeq: number): Promise<AppendResult[]> {
    const results: AppendResult[] = [];
    let expected = expectedLastSubjectSeq;
    for (const event of events) {
      const r = await this.append(key, event, { expectedLastSubjectSeq: expected });
      results.push(r);
      expected = r.seq;
    }
    return results;
  }

  /**
   * Publishes many independent events with up to `maxInFlight` acknowledgements outstanding
   * (awaiting one ack at a time would cap ingest at the round-trip rate). Results keep the input order.
   */
  async appendMany(key: AggregateStream, events: Envelope[], maxInFlight = 512): Promise<AppendResult[]> {
    const results = new Array<AppendResult>(events.length);
    const trace = traceHeaderPairs();
    // Encoded in one tight loop before the first publish rather than between acks.
    const payloads = events.map(encodeEvent);
    let next = 0;
    const worker = async () => {
      while (next < events.length) {
        const i = next++;
        // A header block per message: each carries its own Nats-Msg-Id.
        const headers = natsHeaders();
        for (const [k, v] of trace) headers.set(k, v);
        headers.set(MSG_ID, messageIdOf(events[i]));
        const ack = await this.publisher.publish(this.subjectOf(key, events[i]), payloads[i], headers);
        results[i] = { seq: ack.seq, duplicate: ack.duplicate };
      }
    };
    await Promise.all(Array.from({ length: Math.min(maxInFlight, events.length) }, worker));
    return results;
  }

  /** Every event of one aggregate, in order, with the last subject sequence (0 when empty). */
  async readAggregate<E extends Envelope = Envelope>(key: AggregateStream, tenantId: string, streamId: string): Promise<{ events: StoredEvent<E>[]; lastSeq: number }> {
    const subject = this.topology.subject(key, tenantId, streamId);
    const events = await this.readSubject<E>(key, subject);
    return { events, lastSeq: events.length ? events[events.length - 1].seq : 0 };
  }

  /** Reads every message on a subject filter up to the stream's end at the time of the call. */
  async readSubject<E extends Envelope = Envelope>(key: StreamKey, filterSubject: string, fromSeq = 1): Promise<StoredEvent<E>[]> {
    const out: StoredEvent<E>[] = [];
    for await (const m of readToEnd(this.js, this.topology.streamName(key), filterSubject, { fromSeq })) {
      out.push({ event: decodeJson(m.data) as E, seq: m.seq, subject: m.subject });
    }
    return out;
  }

}

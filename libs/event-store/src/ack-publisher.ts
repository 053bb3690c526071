import { createInbox, type MsgHdrs, type NatsConnection, type Msg, type Subscription } from '@nats-io/transport-node';

export interface PubAck { stream: string; seq: number; duplicate: boolean; }

/** JetStream refused a publish; `api_error` is JetStream's API error (what `JetStreamApiError.apiError()` gives). */
export class PublishError extends Error {
  constructor(message: string, readonly api_error?: { code: number; err_code?: number; description: string }) {
    super(message);
    this.name = 'PublishError';
  }
}

interface Pending {
  resolve(ack: PubAck): void;
  reject(err: Error): void;
  subject: string;
  deadline: number;
}

const decoder = new TextDecoder();

/**
 * Publishes to JetStream and waits for each acknowledgement through one wildcard reply
 * subscription, like the Go client's PublishAsync. nats.js's `js.publish` makes a request object,
 * a timer and an Error (for its stack) per message; at ingest rates that was a tenth of the
 * service's CPU. Here a publish is one protocol write and one map entry; one sweep times out
 * acknowledgements that never came.
 */
export class AckPublisher {
  private readonly prefix = createInbox();
  private readonly pending = new Map<string, Pending>();
  private sub?: Subscription;
  private sweeper?: NodeJS.Timeout;
  private next = 0;

  constructor(private readonly nc: NatsConnection, private readonly timeoutMs = 30_000) {}

  publish(subject: string, data: Uint8Array, headers: MsgHdrs): Promise<PubAck> {
    this.sub ??= this.listen();
    const token = (this.next++).toString(36);
    return new Promise<PubAck>((resolve, reject) => {
      this.pending.set(token, { resolve, reject, subject, deadline: Date.now() + this.timeoutMs });
      try {
        this.nc.publish(subject, data, { reply: `${this.prefix}.${token}`, headers });
      } catch (err) {
        this.pending.delete(token);
        reject(err as Error);
      }
    });
  }

  /** Acknowledgements still awaited. */
  get inFlight(): number {
    return this.pending.size;
  }

  private listen(): Subscription {
    const sub = this.nc.subscribe(`${this.prefix}.*`, { callback: (err, msg) => (err ? this.failAll(err) : this.settle(msg)) });
    // Resolves when the connection closes or drains: nothing awaited can be answered any more.
    void sub.closed.then(() => this.failAll(new Error('the NATS connection closed before JetStream acknowledged the publish')));
    // An acknowledgement awaited when the connection drops, or for a publish buffered while it was
    // down (flushed on reconnect, maybe before JetStream is ready), may never come: say so now,
    // not after the timeout (seen: 30 s of stalled ingest after a NATS restart). Failing early
    // loses nothing: the caller reports it unacknowledged, and a retry is deduplicated by id.
    void (async () => {
      for await (const s of this.nc.status()) {
        if (s.type === 'disconnect' || s.type === 'reconnect') this.failPending(new PublishError(`the connection to NATS was ${s.type === 'disconnect' ? 'lost' : 're-established'} before JetStream acknowledged the publish`, { code: 503, description: s.type }));
      }
    })().catch(() => undefined);
    this.sweeper = setInterval(() => this.expire(), Math.min(1000, this.timeoutMs)).unref();
    return sub;
  }

  private settle(msg: Msg): void {
    const token = msg.subject.slice(this.prefix.length + 1);
    const p = this.pending.get(token);
    if (!p) return; // answered after it timed out
    this.pending.delete(token);
    if (msg.headers?.code === 503) {
      p.reject(new PublishError(`no stream accepts messages on ${p.subject}`, { code: 503, description: 'no responders' }));
      return;
    }
    let body: { stream?: string; seq?: number; duplicate?: boolean; error?: { code: number; err_code?: number; description: string } };
    try {
      body = JSON.parse(decoder.decode(msg.data));
    } catch {
      p.reject(new PublishError(`JetStream answered a publish to ${p.subject} with something that is not a PubAck`));
      return;
    }
    if (body.error) p.reject(new PublishError(`${body.error.description} (publish to ${p.subject})`, body.error));
    else p.resolve({ stream: body.stream ?? '', seq: body.seq ?? 0, duplicate: body.duplicate === true });
  }

  private expire(): void {
    const now = Date.now();
    // Entries are in publish order with one timeout, so the expired ones are at the front.
    for (const [token, p] of this.pending) {
      if (p.deadline > now) break;
      this.pending.delete(token);
      p.reject(new PublishError(`JetStream did not acknowledge the publish to ${p.subject} within ${this.timeoutMs} ms`, { code: 408, description: 'timeout' }));
    }
  }

  private failPending(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  private failAll(err: Error): void {
    this.failPending(err);
    if (this.sweeper) clearInterval(this.sweeper);
  }
}

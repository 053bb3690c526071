import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import type { Envelope, StreamKey } from '@reverie/contracts';
import { backoffMs as defaultBackoff } from './backoff';
import { decodeJson } from './codec';
import { deadletterAndTerm } from './deadletter';
import { PoisonMessageError } from './errors';
import { holdWhileDown, isTransientFailure } from './transient-failure';
import { endWhenConsumerGone } from './consumer-gone';
import { redrivenForAnother } from './deadletter-tools';
import type { EventStore, StoredEvent } from './event-store';
import { extractTraceContext } from './trace-context';

export interface EventParser<E> { safeParse(data: unknown): { success: true; data: E } | { success: false; error: { message: string } } }

export interface RunnerLogger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}
export const silentLogger: RunnerLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export interface ConsumerRunnerOptions<E extends Envelope> {
  store: EventStore;
  stream: StreamKey;
  /** Full durable name, as provisioned (`topology.consumerName(app, purpose)`). */
  durable: string;
  parser: EventParser<E>;
  handle(event: StoredEvent<E>, delivery: { count: number }): Promise<void>;
  backoffMs?: (deliveryCount: number) => number;
  logger?: RunnerLogger;
  maxMessages?: number;
}

export interface RunningConsumer {
  stop(): Promise<void>;
  /** Resolves when the loop has ended (after stop, or when the consumer is gone). */
  readonly done: Promise<void>;
}

const tracer = trace.getTracer('reverie-event-store');

/** Decodes and validates a message; undefined plus a reason when it is poison. */
export function parseMessage<E>(m: JsMsg, parser: EventParser<E>): { event: E } | { reason: string } {
  let raw: unknown;
  try {
    raw = decodeJson(m.data);
  } catch (err) {
    return { reason: `unparseable message: ${(err as Error).message}` };
  }
  const parsed = parser.safeParse(raw);
  return parsed.success ? { event: parsed.data } : { reason: `invalid event: ${parsed.error.message.slice(0, 500)}` };
}

/**
 * A durable pull consumer: ack after the effect, `nak(backoff)` on a transient failure, and
 * `term()` plus a copy to DEADLETTER for a poison message or once deliveries run out.
 * Messages are handled one at a time, in stream order.
 */
export async function runConsumer<E extends Envelope>(opts: ConsumerRunnerOptions<E>): Promise<RunningConsumer> {
  const { store, durable, parser, logger = silentLogger } = opts;
  const backoff = opts.backoffMs ?? defaultBackoff;
  const streamName = store.topology.streamName(opts.stream);
  const consumer = await store.js.consumers.get(streamName, durable);
  const maxDeliver = (await consumer.info(true)).config.max_deliver ?? -1;
  const messages: ConsumerMessages = await consumer.consume({ max_messages: opts.maxMessages ?? 100 });
  const gone = endWhenConsumerGone(messages, durable);

  const poison = async (m: JsMsg, reason: string) => {
    logger.warn('dead-lettering message', { durable, seq: m.seq, subject: m.subject, reason });
    await deadletterAndTerm(store, durable, m, reason);
  };

  let stopping = false;
  const done = (async () => {
    for await (const m of messages) {
      if (redrivenForAnother(m, durable)) { m.ack(); continue; }
      const parsed = parseMessage(m, parser);
      if ('reason' in parsed) {
        await poison(m, parsed.reason);
        continue;
      }
      const count = m.info.deliveryCount;
      const span = tracer.startSpan(`${durable} process`, { kind: SpanKind.CONSUMER, attributes: { 'messaging.system': 'nats', 'messaging.destination.name': m.subject, 'reverie.event.type': parsed.event.type, 'reverie.event.id': parsed.event.id } }, extractTraceContext(m.headers));
      try {
        for (let attempt = 1; ; attempt++) {
          try {
            await context.with(trace.setSpan(context.active(), span), () => opts.handle({ event: parsed.event, seq: m.seq, subject: m.subject }, { count }));
            break;
          } catch (err) {
            // What the handler needs is down: hold the message (it keeps its deliveries) and try again, however long it takes.
            if (!isTransientFailure(err) || stopping) throw err;
            if (attempt === 1 || attempt % 10 === 0) logger.warn('consumer waits for what it depends on', { durable, seq: m.seq, attempt, error: (err as Error).message });
            await holdWhileDown(() => [m], backoff(attempt), () => stopping);
            if (stopping) throw err;
          }
        }
        m.ack();
      } catch (err) {
        span.recordException(err as Error);
        span.setStatus({ code: SpanStatusCode.ERROR });
        if (stopping && isTransientFailure(err)) m.nak();
        else if (err instanceof PoisonMessageError) await poison(m, err.message);
        else if (maxDeliver > 0 && count >= maxDeliver) await poison(m, `gave up after ${count} deliveries: ${(err as Error).message}`);
        else {
          logger.warn('transient failure, will retry', { durable, seq: m.seq, deliveries: count, error: (err as Error).message });
          m.nak(backoff(count));
        }
      } finally {
        span.end();
      }
    }
    if (gone.reason && !stopping) throw new Error(gone.reason);
  })();

  return {
    done,
    async stop() {
      stopping = true;
      await messages.close();
      await done.catch(() => undefined);
    },
  };
}

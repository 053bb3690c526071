import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import type { DataSource, EntityManager } from 'typeorm';
import type { Envelope, StreamKey } from '@reverie/contracts';
import { backoffMs as defaultBackoff } from './backoff';
import { parseMessage, silentLogger, type EventParser, type RunnerLogger, type RunningConsumer } from './consumer-runner';
import { deadletterAndTerm } from './deadletter';
import { holdWhileDown, isTransientFailure } from './transient-failure';
import { endWhenConsumerGone } from './consumer-gone';
import { redrivenForAnother } from './deadletter-tools';
import { PoisonMessageError } from './errors';
import type { EventStore, StoredEvent } from './event-store';
import { rewindToAckFloor } from './consumer-rewind';
import { claimSequences, pruneClaims, readCheckpoint, writeCheckpoint } from './checkpoint';
import { lockCheckpointUnderLease, LeaseLostError, type LeaseSettings } from './projection-lease';
import { partitionOf } from './partitions';
import { extractTraceContext } from './trace-context';

const tracer = trace.getTracer('reverie-event-store');

/** A read model: applies a batch of events inside the runner's transaction. */
export interface Projection<E extends Envelope> {
  /** Checkpoint key; one row in `projection_checkpoints`. */
  name: string;
  /**
   * Set when `apply` itself takes each event into account once (it records event ids and skips
   * those it has seen, in the same transaction). The runner then does not claim stream sequences:
   * for a projection written once per ingested event, that claim was a second insert per event.
   */
  idempotentByEventId?: boolean;
  /**
   * The tables this projection alone writes, all derived from its stream: what `reverie rebuild`
   * recreates and compares. A projection that does not declare them cannot be rebuilt.
   */
  tables?: readonly string[];
  /** Per table, columns that say when a row was written rather than what the events say (left out of a rebuild's comparison). */
  volatileColumns?: Readonly<Record<string, readonly string[]>>;
  apply(manager: EntityManager, events: StoredEvent<E>[]): Promise<void>;
}

export interface ProjectionRunnerOptions<E extends Envelope> {
  store: EventStore;
  dataSource: DataSource;
  stream: StreamKey;
  durable: string;
  parser: EventParser<E>;
  projection: Projection<E>;
  batchSize?: number;
  backoffMs?: (deliveryCount: number) => number;
  logger?: RunnerLogger;
  /**
   * A partial batch is committed once no message came for this long (default 25 ms). The last
   * message's `pending` count usually says the consumer caught up, but not always: seen on a busy
   * machine, the final few hundred messages all reported pending > 0 and sat uncommitted until
   * the ack wait redelivered them 30 s later.
   */
  idleCommitMs?: number;
  /** Whether a message says the consumer is caught up (default: `m.info.pending === 0`); tests replace it. */
  caughtUp?: (m: JsMsg) => boolean;
  /**
   * With several replicas: the lease this replica holds on the projection. Each batch commits only
   * while it does; when another replica took it, the batch is handed back and the runner ends with
   * LeaseLostError (see `runLeasedProjection`).
   */
  lease?: LeaseSettings;
  /**
   * One partition of the stream: the runner applies only the events whose aggregate hashes to
   * `index` of `count` (see partitions.ts) and acks the others unread; each partition has its own
   * durable, checkpoint and lease, so replicas share the partitions and each session stays in order.
   */
  partition?: { index: number; count: number };
  /** Called after each committed batch, before its acks; tests use it to stop or crash mid-way. */
  afterCommit?: (lastSeq: number) => Promise<void> | void;
}

/**
 * The events of a batch whose sequences this transaction claimed, each once: a message
 * redelivered (its ack wait passed) while its first delivery still sits in the batch appears twice.
 */
export function claimedOnce<E extends Envelope>(batch: StoredEvent<E>[], claimed: Set<number>): StoredEvent<E>[] {
  const out = new Map<number, StoredEvent<E>>();
  for (const stored of batch) if (claimed.has(stored.seq) && !out.has(stored.seq)) out.set(stored.seq, stored);
  return [...out.values()];
}

/**
 * One batch of a projection, inside the caller's transaction: the checkpoint row locked (and the
 * lease checked), the stream sequences claimed (unless the projection takes each event id into
 * account itself), the fresh events applied, and the checkpoint moved to the batch's last sequence
 * (or `upTo`, when events in between were not the projection's) if that is ahead. Returns the
 * checkpoint after it. The runner and every rebuild write a projection through this, and only this.
 */
export async function applyProjectionBatch<E extends Envelope>(
  manager: EntityManager, projection: Projection<E>, batch: StoredEvent<E>[], options: { upTo?: number; lease?: LeaseSettings } = {},
): Promise<number> {
  const checkpoint = options.lease ? await lockCheckpointUnderLease(manager, projection.name, options.lease) : await readCheckpoint(manager, projection.name);
  const seqs = batch.map((b) => b.seq);
  const claimed = projection.idempotentByEventId ? new Set(seqs) : await claimSequences(manager, projection.name, seqs);
  const fresh = claimedOnce(batch, claimed);
  if (fresh.length) await projection.apply(manager, fresh);
  const last = Math.max(checkpoint, options.upTo ?? 0, ...seqs);
  if (last > checkpoint) await writeCheckpoint(manager, projection.name, last);
  return last;
}

/**
 * Applies events in batches: the batch, the claim on its stream sequences and the checkpoint are
 * written in one Postgres transaction, then the messages are acked. A message redelivered after a
 * crash between commit and ack finds its sequence claimed and takes no effect the second time.
 */
export async function runProjection<E extends Envelope>(opts: ProjectionRunnerOptions<E>): Promise<RunningConsumer> {
  const { store, dataSource, durable, parser, projection, logger = silentLogger } = opts;
  const batchSize = opts.batchSize ?? 500;
  const idleCommitMs = opts.idleCommitMs ?? 25;
  const caughtUp = opts.caughtUp ?? ((m: JsMsg) => m.info.pending === 0);
  const backoff = opts.backoffMs ?? defaultBackoff;
  const streamName = store.topology.streamName(opts.stream);
  // In stream order from here: what an earlier reader left unacknowledged comes first, not after the ack wait.
  const rewind = await rewindToAckFloor(await store.jsm(), dataSource, projection.name, streamName, durable);
  if (rewind) logger.info('durable rewound to its first unacknowledged message', { durable, from: rewind.from, unacknowledged: rewind.unacknowledged });
  const consumer = await store.js.consumers.get(streamName, durable);
  const { partition } = opts;
  const inPartition = (subject: string) => {
    if (!partition || partition.count === 1) return true;
    const parsed = store.topology.parseSubject(subject);
    // A subject that names no aggregate is partition 0's to parse (and dead-letter).
    return parsed ? partitionOf(parsed.tenantId, parsed.streamId, partition.count) === partition.index : partition.index === 0;
  };
  const maxDeliver = (await consumer.info(true)).config.max_deliver ?? -1;
  // Ends at once when the durable is deleted (a successor that took the lease rewinds it): left to
  // the status listener, the loop could pull once more from the recreated durable and hand back
  // what it got (its commit is refused), behind newer events.
  const messages: ConsumerMessages = await consumer.consume({ max_messages: batchSize, abort_on_missing_resource: true });
  const gone = endWhenConsumerGone(messages, durable);

  const commit = async (batch: { m: JsMsg; stored: StoredEvent<E> }[]): Promise<number> => {
    const last = await dataSource.transaction((manager) => applyProjectionBatch(manager, projection, batch.map((b) => b.stored), { lease: opts.lease }));
    if (!projection.idempotentByEventId && ++commits % 50 === 0) await prune();
    return last;
  };

  let commits = 0;
  let stopping = false;
  /** The batch being read while another commits: held too while Postgres is down. */
  let reading: { m: JsMsg }[] = [];
  const prune = async () => {
    const ackFloor = (await consumer.info()).ack_floor.stream_seq;
    await dataSource.transaction((manager) => pruneClaims(manager, projection.name, ackFloor));
  };

  const fail = async (batch: { m: JsMsg }[], err: unknown) => {
    for (const { m } of batch) {
      const count = m.info.deliveryCount;
      if (err instanceof PoisonMessageError || (maxDeliver > 0 && count >= maxDeliver)) {
        await deadletterAndTerm(store, durable, m, (err as Error).message);
      } else {
        m.nak(backoff(count));
      }
    }
  };

  const flush = async (batch: { m: JsMsg; stored: StoredEvent<E> }[]) => {
    if (!batch.length) return;
    // The batch runs in the trace of its newest message, so what the projection causes (e.g. a
    // dream triggered after the commit) continues the trace of the request that wrote it.
    const newest = batch[batch.length - 1].m;
    const span = tracer.startSpan(`${durable} batch`, { kind: SpanKind.CONSUMER, attributes: { 'messaging.system': 'nats', 'messaging.batch.message_count': batch.length } }, extractTraceContext(newest.headers));
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          await context.with(trace.setSpan(context.active(), span), async () => {
            const last = await commit(batch);
            await opts.afterCommit?.(last);
          });
          break;
        } catch (err) {
          // Postgres down or restarting: hold the batch (it keeps its deliveries) and try again, however long it takes.
          if (!isTransientFailure(err) || stopping) throw err;
          if (attempt === 1 || attempt % 10 === 0) logger.warn('projection waits for what it depends on', { durable, seqs: [batch[0].m.seq, newest.seq], attempt, error: (err as Error).message });
          await holdWhileDown(() => [...batch.map((b) => b.m), ...reading.map((b) => b.m)], backoff(attempt), () => stopping);
          if (stopping) throw err;
        }
      }
      for (const { m } of batch) m.ack();
    } catch (err) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
      if ((stopping && isTransientFailure(err)) || err instanceof LeaseLostError) {
        for (const { m } of batch) m.nak();
        if (err instanceof LeaseLostError) throw err;
        return;
      }
      if (batch.length === 1) {
        logger.warn('projection batch failed', { durable, seq: batch[0].m.seq, error: (err as Error).message });
        await fail(batch, err);
        return;
      }
      // Isolate the event that fails: one at a time, each in its own transaction.
      for (const one of batch) await flush([one]);
    } finally {
      span.end();
    }
  };

  const done = (async () => {
    let batch: { m: JsMsg; stored: StoredEvent<E> }[] = [];
    // One batch commits while the next one is parsed and grows: the commit mostly waits on
    // Postgres, and under load the next batch is larger for it. Commits run one at a time, in order.
    let committing: Promise<void> | undefined;
    let failure: { err: unknown } | undefined;
    let closed = false;
    let idle: NodeJS.Timeout | undefined;
    const startCommit = () => {
      const current = batch;
      batch = [];
      committing = flush(current).then(
        () => {
          committing = undefined;
          // Messages that arrived during that commit: commit them now, not when the next one comes.
          if (batch.length && !closed) startCommit();
        },
        (err: unknown) => {
          committing = undefined;
          failure ??= { err };
          // Another replica applies the projection now: stop reading (the loop ends with the error).
          if (err instanceof LeaseLostError) void messages.close();
        },
      );
    };
    for await (const m of messages) {
      if (failure) {
        if (idle) clearTimeout(idle);
        m.nak();
        for (const b of batch) b.m.nak();
        throw failure.err;
      }
      if (redrivenForAnother(m, durable) || !inPartition(m.subject)) {
        // Not this runner's: acked unread. The batch it holds keeps its idle commit, or commits
        // now when nothing more is waiting (else it would sit until more of its own came).
        m.ack();
        if (caughtUp(m) && !committing && batch.length) {
          if (idle) clearTimeout(idle);
          startCommit();
        }
        continue;
      }
      if (idle) clearTimeout(idle);
      const parsed = parseMessage(m, parser);
      if ('reason' in parsed) {
        await deadletterAndTerm(store, durable, m, parsed.reason);
      } else {
        batch.push({ m, stored: { event: parsed.event, seq: m.seq, subject: m.subject } });
      }
      reading = batch;
      if (batch.length >= batchSize) {
        while (committing) await committing;
        if (batch.length) startCommit();
      } else if (caughtUp(m) && !committing && batch.length) {
        startCommit();
      } else if (batch.length) {
        // Nothing more may come for a while: commit what there is then, not after the ack wait.
        idle = setTimeout(() => { if (!committing && batch.length && !closed) startCommit(); }, idleCommitMs);
      }
    }
    if (idle) clearTimeout(idle);
    closed = true;
    while (committing) await committing;
    if (failure) {
      for (const { m } of batch) m.nak();
      throw failure.err;
    }
    // Stopped with a partial batch: hand it back now rather than after the ack wait.
    for (const { m } of batch) m.nak();
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

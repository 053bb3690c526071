import { DeliverPolicy, type ConsumerConfig, type ConsumerInfo, type JetStreamManager } from '@nats-io/jetstream';
import type { DataSource } from 'typeorm';
import { isJetStreamNotFound } from './errors';

export interface Rewind {
  /** The first stream sequence the durable delivers again. */
  from: number;
  /** Messages an earlier reader had been given and not acknowledged (undefined when finishing a rewind cut short). */
  unacknowledged?: number;
}

/** A rewind as written down before the durable is deleted. */
interface RewindRecord { from: number; config: ConsumerConfig }

/**
 * The configuration that recreates a durable so that it delivers again, in stream order, from
 * its first unacknowledged message (everything else unchanged). Undefined when nothing is
 * outstanding. Pure: `rewindToAckFloor` applies it.
 */
export function rewoundConfig(info: Pick<ConsumerInfo, 'config' | 'num_ack_pending'> & { ack_floor: { stream_seq: number } }): RewindRecord | undefined {
  if (info.num_ack_pending === 0) return undefined;
  const from = info.ack_floor.stream_seq + 1;
  const { opt_start_time: _time, ...config } = info.config;
  return { from, config: { ...config, deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: from } };
}

/**
 * Whether a durable found while a recorded rewind was unfinished must be created again at the
 * recorded sequence: it is missing (the process died between delete and create), or it was
 * created anew behind the rewind's back (`reverie setup` meanwhile: it starts from the stream's
 * beginning, and its ack floor is below where the rewind was going).
 */
export function mustRecreate(found: { ack_floor: { stream_seq: number } } | undefined, record: Pick<RewindRecord, 'from'>): boolean {
  return !found || found.ack_floor.stream_seq < record.from - 1;
}

/**
 * Makes a projection's durable deliver again from its first unacknowledged message before the
 * projection reads it. Without this, what an earlier reader (a replica whose lease was taken, a
 * process killed with -9) had pulled and not acknowledged comes back only after the ack wait,
 * behind the newer messages the durable goes on delivering: a `LessonRetired` could be folded
 * before the `LessonApproved` it follows. JetStream (2.9, 2.10) has no call that rewinds a durable,
 * so it is deleted and created again at its ack floor with the same configuration; the rewind is
 * written on the projection's checkpoint row first, and one cut short is finished at the next
 * start. Everything between the ack floor and what was delivered comes again; the projection
 * takes each event into account once (claims on stream sequences, kept above the ack floor, or
 * event ids). Call it only as the durable's one reader: the projection's leader, or its only replica.
 * What is rewound starts its delivery count again: a message that kills the process each time it
 * is applied is not dead-lettered by count (one that fails with an error still is).
 */
export async function rewindToAckFloor(jsm: JetStreamManager, dataSource: DataSource, projection: string, stream: string, durable: string): Promise<Rewind | undefined> {
  const unfinished = await readRecord(dataSource, projection);
  if (unfinished) {
    const found = await infoOrUndefined(jsm, stream, durable);
    if (mustRecreate(found, unfinished)) await recreate(jsm, stream, durable, unfinished.config, Boolean(found));
    await writeRecord(dataSource, projection, null);
  }
  const info = await jsm.consumers.info(stream, durable);
  const rewound = rewoundConfig(info);
  if (!rewound) return unfinished ? { from: unfinished.from } : undefined;
  await writeRecord(dataSource, projection, rewound);
  await recreate(jsm, stream, durable, rewound.config, true);
  await writeRecord(dataSource, projection, null);
  return { from: rewound.from, unacknowledged: info.num_ack_pending };
}

async function recreate(jsm: JetStreamManager, stream: string, durable: string, config: ConsumerConfig, exists: boolean): Promise<void> {
  if (exists) await jsm.consumers.delete(stream, durable);
  await jsm.consumers.add(stream, config);
}

async function infoOrUndefined(jsm: JetStreamManager, stream: string, durable: string): Promise<ConsumerInfo | undefined> {
  return jsm.consumers.info(stream, durable).catch((err: unknown) => {
    if (isJetStreamNotFound(err)) return undefined;
    throw err;
  });
}

async function readRecord(dataSource: DataSource, projection: string): Promise<RewindRecord | undefined> {
  const rows: { rewind: RewindRecord | null }[] = await dataSource.query('SELECT rewind FROM projection_checkpoints WHERE projection = $1', [projection]);
  return rows[0]?.rewind ?? undefined;
}

async function writeRecord(dataSource: DataSource, projection: string, record: RewindRecord | null): Promise<void> {
  await dataSource.query(
    `INSERT INTO projection_checkpoints AS c (projection, last_seq, rewind) VALUES ($1, 0, $2)
     ON CONFLICT (projection) DO UPDATE SET rewind = $2`,
    [projection, record === null ? null : JSON.stringify(record)],
  );
}

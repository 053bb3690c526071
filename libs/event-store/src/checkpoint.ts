import type { EntityManager } from 'typeorm';

/**
 * Last stream sequence a projection has committed (0 before the first batch), with its row locked
 * until the transaction ends. One round trip: the no-op update both creates the row when missing
 * and takes the lock.
 */
export async function readCheckpoint(manager: EntityManager, projection: string): Promise<number> {
  const locked: { last_seq: string }[] = await manager.query(
    `INSERT INTO projection_checkpoints AS c (projection, last_seq) VALUES ($1, 0)
     ON CONFLICT (projection) DO UPDATE SET last_seq = c.last_seq RETURNING c.last_seq`,
    [projection],
  );
  return Number(locked[0].last_seq);
}

export async function writeCheckpoint(manager: EntityManager, projection: string, lastSeq: number): Promise<void> {
  await manager.query(
    `UPDATE projection_checkpoints SET last_seq = $2, updated_at = now() WHERE projection = $1`,
    [projection, lastSeq],
  );
}

/**
 * Claims stream sequences for a projection inside its transaction; returns the ones not applied
 * before. This, not the checkpoint, is what makes redelivered messages (which come back out of
 * order) take effect exactly once.
 */
export async function claimSequences(manager: EntityManager, projection: string, seqs: number[]): Promise<Set<number>> {
  if (!seqs.length) return new Set();
  const rows: { seq: string }[] = await manager.query(
    `INSERT INTO projection_applied (projection, seq) SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING RETURNING seq`,
    [projection, seqs],
  );
  return new Set(rows.map((r) => Number(r.seq)));
}

/** Forgets claims at or below the consumer's ack floor: those messages can no longer be redelivered. */
export async function pruneClaims(manager: EntityManager, projection: string, ackFloor: number): Promise<void> {
  await manager.query(`DELETE FROM projection_applied WHERE projection = $1 AND seq <= $2`, [projection, ackFloor]);
}

export async function resetClaims(manager: EntityManager, projection: string): Promise<void> {
  await manager.query(`DELETE FROM projection_applied WHERE projection = $1`, [projection]);
}

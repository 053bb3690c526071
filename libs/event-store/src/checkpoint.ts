import type { EntityManager } from 'typeorm';

/** Last stream sequence a projection has committed (0 before the first batch). */
export async function readCheckpoint(manager: EntityManager, projection: string, forUpdate = false): Promise<number> {
  if (forUpdate) {
    // One round trip: the no-op update both creates the row when missing and locks it.
    const locked: { last_seq: string }[] = await manager.query(
      `INSERT INTO projection_checkpoints AS c (projection, last_seq) VALUES ($1, 0)
       ON CONFLICT (projection) DO UPDATE SET last_seq = c.last_seq RETURNING c.last_seq`,
      [projection],
    );
    return Number(locked[0].last_seq);
  }
  await manager.query(
    `INSERT INTO projection_checkpoints (projection, last_seq) VALUES ($1, 0) ON CONFLICT (projection) DO NOTHING`,
    [projection],
  );
  const rows: { last_seq: string }[] = await manager.query(
    `SELECT last_seq FROM projection_checkpoints WHERE projection = $1`,
    [projection],
  );
  return Number(rows[0].last_seq);
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

import type { EntityManager } from 'typeorm';

/** Last stream sequence a projection has committed (0 before the first batch). */
export async function readCheckpoint(manager: EntityManager, projection: string, forUpdate = false): Promise<number> {
  await manager.query(
    `INSERT INTO projection_checkpoints (projection, last_seq) VALUES ($1, 0) ON CONFLICT (projection) DO NOTHING`,
    [projection],
  );
  const rows: { last_seq: string }[] = await manager.query(
    `SELECT last_seq FROM projection_checkpoints WHERE projection = $1${forUpdate ? ' FOR UPDATE' : ''}`,
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

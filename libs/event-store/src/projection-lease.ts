import type { DataSource, EntityManager } from 'typeorm';

/** The lease on a projection was taken by another replica: this one must stop applying it. */
export class LeaseLostError extends Error {
  constructor(projection: string, owner: string, holder: string | null) {
    super(`replica ${owner} no longer holds the lease on projection ${projection} (${holder ? `held by ${holder}` : 'released'})`);
    this.name = 'LeaseLostError';
  }
}

export interface LeaseSettings {
  /** Who this replica is (REVERIE_REPLICA_ID, default the host name). */
  owner: string;
  /** How long a lease lasts without renewal: the longest a dead leader keeps the others waiting. */
  ttlMs: number;
}

/**
 * Takes or renews the lease on a projection (its checkpoint row) for `owner`: granted when nobody
 * holds it, `owner` does, or the holder let it expire. Returns whether `owner` holds it now.
 */
export async function acquireLease(ds: DataSource | EntityManager, projection: string, lease: LeaseSettings): Promise<boolean> {
  const rows: { lease_owner: string | null }[] = await ds.query(
    `INSERT INTO projection_checkpoints AS c (projection, last_seq, lease_owner, lease_until) VALUES ($1, 0, $2, now() + $3 * interval '1 millisecond')
     ON CONFLICT (projection) DO UPDATE SET lease_owner = EXCLUDED.lease_owner, lease_until = EXCLUDED.lease_until
       WHERE c.lease_owner IS NULL OR c.lease_owner = EXCLUDED.lease_owner OR c.lease_until < now()
     RETURNING c.lease_owner`,
    [projection, lease.owner, lease.ttlMs],
  );
  return rows[0]?.lease_owner === lease.owner;
}

/** Gives the lease up (on shutdown), so a standby replica takes over without waiting for it to expire. */
export async function releaseLease(ds: DataSource, projection: string, owner: string): Promise<void> {
  await ds.query('UPDATE projection_checkpoints SET lease_owner = NULL, lease_until = NULL WHERE projection = $1 AND lease_owner = $2', [projection, owner]);
}

/**
 * Inside a batch's transaction, in one statement: locks the projection's checkpoint row (creating
 * it when missing) and returns its last sequence, provided `owner` holds the lease; a lease nobody
 * holds is taken, and the one `owner` holds renewed. Otherwise LeaseLostError (fencing: a leader
 * that lost the lease during a pause or an outage does not write after its successor). With
 * `readCheckpoint` then a separate lease check this was two round trips per batch.
 */
export async function lockCheckpointUnderLease(manager: EntityManager, projection: string, lease: LeaseSettings): Promise<number> {
  const rows: { last_seq: string; lease_owner: string | null }[] = await manager.query(
    `INSERT INTO projection_checkpoints AS c (projection, last_seq, lease_owner, lease_until) VALUES ($1, 0, $2, now() + $3 * interval '1 millisecond')
     ON CONFLICT (projection) DO UPDATE SET
       lease_owner = CASE WHEN c.lease_owner IS NULL OR c.lease_owner = $2 THEN $2 ELSE c.lease_owner END,
       lease_until = CASE WHEN c.lease_owner IS NULL OR c.lease_owner = $2 THEN EXCLUDED.lease_until ELSE c.lease_until END
     RETURNING c.last_seq, c.lease_owner`,
    [projection, lease.owner, lease.ttlMs],
  );
  const [row] = rows;
  if (row.lease_owner !== lease.owner) throw new LeaseLostError(projection, lease.owner, row.lease_owner);
  return Number(row.last_seq);
}

/** Whether another replica holds the projection's lease now (false when this one does, it is free, or Postgres cannot say). */
export async function leaseHeldByAnother(ds: DataSource, projection: string, owner: string): Promise<boolean> {
  const rows: { lease_owner: string | null }[] = await ds
    .query('SELECT lease_owner FROM projection_checkpoints WHERE projection = $1 AND lease_until > now()', [projection])
    .catch(() => []);
  return Boolean(rows[0]?.lease_owner && rows[0].lease_owner !== owner);
}

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
 * Inside a batch's transaction, after `readCheckpoint` locked the row: the batch may commit only
 * while `owner` holds the lease (fencing: a leader that lost it during a pause or an outage does
 * not write after its successor). A lease that expired without anyone taking it is renewed.
 */
export async function assertLease(manager: EntityManager, projection: string, lease: LeaseSettings): Promise<void> {
  const rows: { lease_owner: string | null }[] = await manager.query(
    // As a SELECT: TypeORM answers an UPDATE with [rows, count], not the rows.
    `WITH renewed AS (UPDATE projection_checkpoints SET lease_owner = $2, lease_until = now() + $3 * interval '1 millisecond'
       WHERE projection = $1 AND (lease_owner = $2 OR lease_owner IS NULL) RETURNING lease_owner)
     SELECT lease_owner FROM renewed`,
    [projection, lease.owner, lease.ttlMs],
  );
  if (rows.length) return;
  const [held] = await manager.query('SELECT lease_owner FROM projection_checkpoints WHERE projection = $1', [projection]) as { lease_owner: string | null }[];
  throw new LeaseLostError(projection, lease.owner, held?.lease_owner ?? null);
}

/** Whether another replica holds the projection's lease now (false when this one does, it is free, or Postgres cannot say). */
export async function leaseHeldByAnother(ds: DataSource, projection: string, owner: string): Promise<boolean> {
  const rows: { lease_owner: string | null }[] = await ds
    .query('SELECT lease_owner FROM projection_checkpoints WHERE projection = $1 AND lease_until > now()', [projection])
    .catch(() => []);
  return Boolean(rows[0]?.lease_owner && rows[0].lease_owner !== owner);
}

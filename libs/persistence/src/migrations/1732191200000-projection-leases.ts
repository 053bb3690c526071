import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A lease on each projection's checkpoint row: with several replicas of a service, one of them
 * applies a projection at a time (in stream order) and the others stand by to take over.
 */
export class ProjectionLeases1732191200000 implements MigrationInterface {
  name = 'ProjectionLeases1732191200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE projection_checkpoints ADD COLUMN lease_owner text, ADD COLUMN lease_until timestamptz');
    // The replicas alive per partitioned projection: each leads at most its fair share of partitions.
    await q.query(`CREATE TABLE projection_replicas (
      projection text NOT NULL,
      replica text NOT NULL,
      seen_at timestamptz NOT NULL,
      PRIMARY KEY (projection, replica))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE projection_replicas');
    await q.query('ALTER TABLE projection_checkpoints DROP COLUMN lease_owner, DROP COLUMN lease_until');
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A rewind in progress per projection (libs/event-store consumer-rewind.ts): the durable's
 * configuration and the sequence it is recreated at, written before the durable is deleted, so a
 * process that dies between the delete and the create finishes the rewind when it starts again.
 */
export class ProjectionRewind1732191300000 implements MigrationInterface {
  name = 'ProjectionRewind1732191300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE projection_checkpoints ADD COLUMN rewind jsonb');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE projection_checkpoints DROP COLUMN rewind');
  }
}

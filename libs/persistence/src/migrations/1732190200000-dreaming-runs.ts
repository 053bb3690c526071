import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * dreaming:
 * - `dreaming_lesson_index.state`: the lesson's folded state (lesson-domain `LessonState`: support,
 *   dreams already counted), so the index applies LessonEvidenceAdded idempotently by dream id.
 * - `dreaming_session_starts`: one row per session (SessionStarted) with its stream sequence, so the
 *   every-N-sessions trigger counts new sessions idempotently (a redelivered event inserts nothing).
 * - `dreaming_tenant_state.running_dream_id/running_since`: the one-dream-at-a-time claim per tenant.
 */
export class DreamingRuns1732190200000 implements MigrationInterface {
  name = 'DreamingRuns1732190200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE dreaming_lesson_index ADD COLUMN state jsonb`);
    await q.query(`CREATE TABLE dreaming_session_starts (
      tenant_id text NOT NULL,
      session_id text NOT NULL,
      stream_seq bigint NOT NULL,
      PRIMARY KEY (tenant_id, session_id))`);
    await q.query(`CREATE INDEX dreaming_session_starts_seq ON dreaming_session_starts (tenant_id, stream_seq)`);
    await q.query(`ALTER TABLE dreaming_tenant_state ADD COLUMN running_dream_id text, ADD COLUMN running_since timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE dreaming_tenant_state DROP COLUMN IF EXISTS running_dream_id, DROP COLUMN IF EXISTS running_since`);
    await q.query(`DROP TABLE IF EXISTS dreaming_session_starts`);
    await q.query(`ALTER TABLE dreaming_lesson_index DROP COLUMN IF EXISTS state`);
  }
}

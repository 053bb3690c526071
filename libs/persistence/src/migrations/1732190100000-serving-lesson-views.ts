import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * agent-serving keeps the full view of every lesson (proposed ones included): a LessonApproved
 * event carries only the reviewer and version, so the text and scope to serve come from the
 * LessonProposed folded earlier. `serving_active_lessons` is derived from these views.
 */
export class ServingLessonViews1732190100000 implements MigrationInterface {
  name = 'ServingLessonViews1732190100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE serving_lesson_views (
      tenant_id text NOT NULL,
      lesson_id text NOT NULL,
      view jsonb NOT NULL,
      last_event_id text NOT NULL,
      PRIMARY KEY (tenant_id, lesson_id))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS serving_lesson_views`);
  }
}

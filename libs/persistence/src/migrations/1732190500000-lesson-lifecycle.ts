import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The lesson lifecycle: a served lesson's live version (canary share, review-by date) decides per
 * request whether it is served; a tenant's policy gains its rollout, review and guardrail settings.
 */
export class LessonLifecycle1732190500000 implements MigrationInterface {
  name = 'LessonLifecycle1732190500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE serving_active_lessons ADD COLUMN live jsonb');
    await q.query(`ALTER TABLE tenant_policies ADD COLUMN settings jsonb NOT NULL DEFAULT '{}'::jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE tenant_policies DROP COLUMN settings');
    await q.query('ALTER TABLE serving_active_lessons DROP COLUMN live');
  }
}

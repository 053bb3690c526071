import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The latest efficacy a dream measured for each live lesson version (lesson-governance, from DREAMS). */
export class LessonEfficacy1732191000000 implements MigrationInterface {
  name = 'LessonEfficacy1732191000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE governance_lesson_efficacy (
      tenant_id text NOT NULL,
      lesson_id text NOT NULL,
      version integer NOT NULL,
      dream_id text NOT NULL,
      measured_at timestamptz NOT NULL,
      efficacy jsonb NOT NULL,
      PRIMARY KEY (tenant_id, lesson_id)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE governance_lesson_efficacy');
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Forensics on agent-serving: every version that was live and when (from LESSONS), every answer an
 * agent got (from SERVING), and per lesson the sessions it reached (its blast radius).
 */
export class ServingForensics1732191100000 implements MigrationInterface {
  name = 'ServingForensics1732191100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE serving_lesson_versions (
      tenant_id text NOT NULL,
      lesson_id text NOT NULL,
      version integer NOT NULL,
      agent_id text,
      kind text NOT NULL,
      text text NOT NULL,
      live_from timestamptz NOT NULL,
      live_until timestamptz,
      PRIMARY KEY (tenant_id, lesson_id, version)
    )`);
    await q.query(`CREATE TABLE serving_served_log (
      tenant_id text NOT NULL,
      event_id text NOT NULL,
      agent_id text NOT NULL,
      session_id text,
      occurred_at timestamptz NOT NULL,
      served jsonb NOT NULL,
      withheld jsonb NOT NULL,
      actor text NOT NULL,
      PRIMARY KEY (tenant_id, event_id)
    )`);
    await q.query('CREATE INDEX serving_served_log_agent_time ON serving_served_log (tenant_id, agent_id, occurred_at DESC)');
    await q.query(`CREATE TABLE serving_lesson_sessions (
      tenant_id text NOT NULL,
      lesson_id text NOT NULL,
      session_id text NOT NULL,
      agent_id text NOT NULL,
      arm text NOT NULL,
      versions integer[] NOT NULL,
      first_at timestamptz NOT NULL,
      last_at timestamptz NOT NULL,
      answers integer NOT NULL,
      PRIMARY KEY (tenant_id, lesson_id, session_id)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE serving_lesson_sessions');
    await q.query('DROP TABLE serving_served_log');
    await q.query('DROP TABLE serving_lesson_versions');
  }
}

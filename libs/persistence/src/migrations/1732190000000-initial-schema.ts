import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Projections only: every table here can be dropped and rebuilt from JetStream.
 * Tables are prefixed by the service that owns them; no service reads another's tables.
 */
export class InitialSchema1732190000000 implements MigrationInterface {
  name = 'InitialSchema1732190000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE projection_checkpoints (
      projection text PRIMARY KEY,
      last_seq bigint NOT NULL DEFAULT 0,
      updated_at timestamptz NOT NULL DEFAULT now())`);
    // Stream sequences a projection has applied and whose acks may not have reached the server:
    // redeliveries arrive out of order, so a high-water mark alone would skip or repeat them.
    await q.query(`CREATE TABLE projection_applied (
      projection text NOT NULL,
      seq bigint NOT NULL,
      PRIMARY KEY (projection, seq))`);

    // session-ingest
    await q.query(`CREATE TABLE ingest_sessions (
      tenant_id text NOT NULL,
      session_id text NOT NULL,
      agent_id text,
      user_id text,
      source text,
      parent_session_id text,
      started_at timestamptz,
      ended_at timestamptz,
      outcome text,
      events integer NOT NULL DEFAULT 0,
      messages integer NOT NULL DEFAULT 0,
      tool_calls integer NOT NULL DEFAULT 0,
      tool_errors integer NOT NULL DEFAULT 0,
      redactions jsonb NOT NULL DEFAULT '{}',
      last_seq bigint NOT NULL DEFAULT 0,
      PRIMARY KEY (tenant_id, session_id))`);
    await q.query(`CREATE TABLE ingest_event_ids (
      tenant_id text NOT NULL,
      event_id text NOT NULL,
      session_id text NOT NULL,
      stream_seq bigint NOT NULL,
      PRIMARY KEY (tenant_id, event_id))`);

    // dreaming
    await q.query(`CREATE TABLE dreaming_session_signals (
      tenant_id text NOT NULL,
      session_id text NOT NULL,
      last_seq bigint NOT NULL,
      signals jsonb NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, session_id))`);
    await q.query(`CREATE TABLE dreaming_lesson_index (
      tenant_id text NOT NULL,
      lesson_id text NOT NULL,
      fingerprint text NOT NULL,
      status text NOT NULL,
      support_sessions integer NOT NULL,
      support_at_rejection integer,
      evidence_event_ids jsonb NOT NULL DEFAULT '[]',
      last_event_id text,
      PRIMARY KEY (tenant_id, lesson_id))`);
    await q.query(`CREATE INDEX dreaming_lesson_index_fp ON dreaming_lesson_index (tenant_id, fingerprint)`);
    await q.query(`CREATE TABLE dreaming_tenant_state (
      tenant_id text PRIMARY KEY,
      sessions_since_dream integer NOT NULL DEFAULT 0,
      last_dream_to_seq bigint NOT NULL DEFAULT 0,
      last_dream_id text,
      updated_at timestamptz NOT NULL DEFAULT now())`);

    // lesson-governance
    await q.query(`CREATE TABLE governance_lessons (
      tenant_id text NOT NULL,
      lesson_id text NOT NULL,
      status text NOT NULL,
      kind text NOT NULL,
      fingerprint text NOT NULL,
      view jsonb NOT NULL,
      last_event_id text NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, lesson_id))`);
    await q.query(`CREATE INDEX governance_lessons_status ON governance_lessons (tenant_id, status, updated_at DESC)`);
    await q.query(`CREATE TABLE governance_audit (
      event_id text PRIMARY KEY,
      tenant_id text NOT NULL,
      lesson_id text NOT NULL,
      type text NOT NULL,
      actor jsonb NOT NULL,
      occurred_at timestamptz NOT NULL,
      stream_seq bigint NOT NULL,
      data jsonb NOT NULL)`);
    await q.query(`CREATE INDEX governance_audit_lesson ON governance_audit (tenant_id, lesson_id, stream_seq)`);
    await q.query(`CREATE TABLE governance_dreams (
      tenant_id text NOT NULL,
      dream_id text NOT NULL,
      view jsonb NOT NULL,
      last_event_id text NOT NULL,
      PRIMARY KEY (tenant_id, dream_id))`);

    // agent-serving
    await q.query(`CREATE TABLE serving_active_lessons (
      tenant_id text NOT NULL,
      lesson_id text NOT NULL,
      agent_id text,
      kind text NOT NULL,
      text text NOT NULL,
      version integer NOT NULL,
      scope jsonb NOT NULL,
      approved_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, lesson_id))`);
    await q.query(`CREATE INDEX serving_active_lessons_agent ON serving_active_lessons (tenant_id, agent_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['serving_active_lessons', 'governance_dreams', 'governance_audit', 'governance_lessons', 'dreaming_tenant_state', 'dreaming_lesson_index', 'dreaming_session_signals', 'ingest_event_ids', 'ingest_sessions', 'projection_applied', 'projection_checkpoints']) {
      await q.query(`DROP TABLE IF EXISTS ${t}`);
    }
  }
}

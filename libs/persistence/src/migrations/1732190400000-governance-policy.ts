import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The owner of an API key (the person accountable for what it ingests), and each tenant's
 * governance policy: how many distinct approvers a lesson needs before agents are served it.
 */
export class GovernancePolicy1732190400000 implements MigrationInterface {
  name = 'GovernancePolicy1732190400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE api_keys ADD COLUMN owner text');
    await q.query(`CREATE TABLE tenant_policies (
      tenant_id text PRIMARY KEY,
      required_approvals integer NOT NULL CHECK (required_approvals BETWEEN 1 AND 10),
      updated_at timestamptz NOT NULL,
      updated_by text NOT NULL
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE tenant_policies');
    await q.query('ALTER TABLE api_keys DROP COLUMN owner');
  }
}

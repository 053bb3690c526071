import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A tenant's governance policy is an event on its own aggregate of LESSONS now (`_tenant`), read
 * from the log; the table that held it goes. Dreaming keeps the quarantined sources it must leave
 * out of dreams (a projection of SourcesQuarantined).
 */
export class TenantAggregate1732190600000 implements MigrationInterface {
  name = 'TenantAggregate1732190600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE tenant_policies');
    await q.query(`CREATE TABLE dreaming_quarantine (
      tenant_id text NOT NULL,
      kind text NOT NULL,
      source_id text NOT NULL,
      revocation_id text NOT NULL,
      quarantined_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, kind, source_id)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE dreaming_quarantine');
    await q.query(`CREATE TABLE tenant_policies (
      tenant_id text PRIMARY KEY,
      required_approvals integer NOT NULL CHECK (required_approvals BETWEEN 1 AND 10),
      updated_at timestamptz NOT NULL,
      updated_by text NOT NULL,
      settings jsonb NOT NULL DEFAULT '{}'::jsonb
    )`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/** API keys: only the SHA-256 of each secret, the tenant, name and roles; revoked keys are kept for the audit. */
export class ApiKeys1732190300000 implements MigrationInterface {
  name = 'ApiKeys1732190300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE api_keys (
      key_id text PRIMARY KEY,
      tenant_id text NOT NULL,
      name text NOT NULL,
      roles text[] NOT NULL,
      secret_hash text NOT NULL,
      created_at timestamptz NOT NULL,
      created_by text NOT NULL,
      revoked_at timestamptz,
      revoked_by text
    )`);
    await q.query('CREATE INDEX api_keys_tenant ON api_keys (tenant_id, created_at)');
    // A key's name is who it acts as (`key:<name>`): one per tenant, revoked keys included.
    await q.query('CREATE UNIQUE INDEX api_keys_tenant_name ON api_keys (tenant_id, name)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE api_keys');
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A key per user (wrapped by the tenant's key) that derived data names the user by: shredding it unlinks them. */
export class UserTokenKeys1732190800000 implements MigrationInterface {
  name = 'UserTokenKeys1732190800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE content_user_keys (tenant_id text NOT NULL, user_id text NOT NULL, wrapped_key text NOT NULL, created_at timestamptz NOT NULL, PRIMARY KEY (tenant_id, user_id))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE content_user_keys');
  }
}

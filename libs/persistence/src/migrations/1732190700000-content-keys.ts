import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Crypto-shredding keys: each tenant's key-encryption key (wrapped by the master key), each
 * session's data key (wrapped by its tenant's key), and the users each session key covers.
 * Erasing deletes data keys; the log keeps only ciphertext under them.
 */
export class ContentKeys1732190700000 implements MigrationInterface {
  name = 'ContentKeys1732190700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE content_tenant_keys (tenant_id text PRIMARY KEY, wrapped_kek text NOT NULL, created_at timestamptz NOT NULL)`);
    await q.query(`CREATE TABLE content_data_keys (
      kid text PRIMARY KEY,
      tenant_id text NOT NULL,
      session_id text NOT NULL,
      wrapped_key text NOT NULL,
      created_at timestamptz NOT NULL,
      UNIQUE (tenant_id, session_id)
    )`);
    await q.query(`CREATE TABLE content_key_users (tenant_id text NOT NULL, kid text NOT NULL, user_id text NOT NULL, PRIMARY KEY (kid, user_id))`);
    await q.query('CREATE INDEX content_key_users_user ON content_key_users (tenant_id, user_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE content_key_users');
    await q.query('DROP TABLE content_data_keys');
    await q.query('DROP TABLE content_tenant_keys');
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/** An agent key may be bound to one agent: it is then served that agent's lessons only. */
export class AgentBoundKeys1732190900000 implements MigrationInterface {
  name = 'AgentBoundKeys1732190900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE api_keys ADD COLUMN agent_id text');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE api_keys DROP COLUMN agent_id');
  }
}

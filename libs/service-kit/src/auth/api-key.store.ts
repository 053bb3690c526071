import type { DataSource } from 'typeorm';
import type { Role } from './roles';

export interface ApiKeyRecord {
  keyId: string;
  tenantId: string;
  name: string;
  roles: Role[];
  secretHash: string;
  createdAt: string;
  createdBy: string;
  /** The person accountable for what the key does (their actor id): may not approve lessons from its sessions. */
  owner?: string;
  /** An agent key bound to one agent: it is served that agent's lessons only. */
  agentId?: string;
  revokedAt?: string;
  revokedBy?: string;
}

/** Where API keys live: the `api_keys` table (only the secrets' hashes). */
export interface ApiKeyStore {
  find(keyId: string): Promise<ApiKeyRecord | undefined>;
  create(record: ApiKeyRecord): Promise<void>;
  list(tenantId: string): Promise<ApiKeyRecord[]>;
  /** Marks a key revoked; false when the tenant has no such key (or it was revoked already). */
  revoke(tenantId: string, keyId: string, by: string, at: string): Promise<boolean>;
}

interface Row {
  key_id: string; tenant_id: string; name: string; roles: string[]; secret_hash: string;
  created_at: Date; created_by: string; owner: string | null; agent_id: string | null; revoked_at: Date | null; revoked_by: string | null;
}

const toRecord = (r: Row): ApiKeyRecord => ({
  keyId: r.key_id, tenantId: r.tenant_id, name: r.name, roles: r.roles as Role[], secretHash: r.secret_hash,
  createdAt: r.created_at.toISOString(), createdBy: r.created_by,
  ...(r.owner ? { owner: r.owner } : {}),
  ...(r.agent_id ? { agentId: r.agent_id } : {}),
  ...(r.revoked_at ? { revokedAt: r.revoked_at.toISOString(), revokedBy: r.revoked_by ?? '' } : {}),
});

export class PgApiKeyStore implements ApiKeyStore {
  constructor(private readonly ds: DataSource) {}

  async find(keyId: string): Promise<ApiKeyRecord | undefined> {
    const rows: Row[] = await this.ds.query('SELECT * FROM api_keys WHERE key_id = $1', [keyId]);
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async create(k: ApiKeyRecord): Promise<void> {
    await this.ds.query(
      `INSERT INTO api_keys (key_id, tenant_id, name, roles, secret_hash, created_at, created_by, owner, agent_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [k.keyId, k.tenantId, k.name, k.roles, k.secretHash, k.createdAt, k.createdBy, k.owner ?? null, k.agentId ?? null],
    );
  }

  async list(tenantId: string): Promise<ApiKeyRecord[]> {
    const rows: Row[] = await this.ds.query('SELECT * FROM api_keys WHERE tenant_id = $1 ORDER BY created_at, key_id', [tenantId]);
    return rows.map(toRecord);
  }

  async revoke(tenantId: string, keyId: string, by: string, at: string): Promise<boolean> {
    const rows: unknown[] = await this.ds.query(
      'UPDATE api_keys SET revoked_at = $3, revoked_by = $4 WHERE tenant_id = $1 AND key_id = $2 AND revoked_at IS NULL RETURNING key_id',
      [tenantId, keyId, at, by],
    );
    return rows.length > 0;
  }
}

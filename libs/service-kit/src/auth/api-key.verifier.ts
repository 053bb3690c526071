import { parseApiKeyToken, secretMatches } from './api-key-token';
import type { ApiKeyRecord, ApiKeyStore } from './api-key.store';
import { AuthError, type CredentialVerifier, type Principal } from './principal';

/** How long a looked-up key is trusted before it is read again: a revoked key stops working within this, on every service. */
export const KEY_CACHE_MS = 500;

/**
 * Verifies `rvk_…` API keys against the store (the record by key id, the secret by its hash,
 * in constant time), with a short cache so a busy service does not query per request and a
 * revocation still takes effect within a second everywhere.
 */
export class ApiKeyVerifier implements CredentialVerifier {
  private readonly cache = new Map<string, { record: ApiKeyRecord | undefined; at: number }>();

  constructor(private readonly store: ApiKeyStore, private readonly now: () => number = Date.now) {}

  async verify(token: string): Promise<Principal | undefined> {
    const parsed = parseApiKeyToken(token);
    if (!parsed) return undefined;
    const record = await this.lookup(parsed.keyId);
    if (!record || !secretMatches(record.secretHash, parsed.secret)) throw new AuthError(401, 'the API key is not valid');
    if (record.revokedAt) throw new AuthError(401, 'the API key was revoked');
    return principalOfKey(record);
  }

  private async lookup(keyId: string): Promise<ApiKeyRecord | undefined> {
    const hit = this.cache.get(keyId);
    if (hit && this.now() - hit.at < KEY_CACHE_MS) return hit.record;
    const record = await this.store.find(keyId);
    this.cache.set(keyId, { record, at: this.now() });
    if (this.cache.size > 10_000) this.cache.delete(this.cache.keys().next().value as string);
    return record;
  }
}

export function principalOfKey(record: Pick<ApiKeyRecord, 'keyId' | 'tenantId' | 'name' | 'roles' | 'owner' | 'agentId'>): Principal {
  return {
    tenantId: record.tenantId,
    actor: { kind: 'service', id: `key:${record.name}` },
    roles: new Set(record.roles),
    credential: { type: 'api-key', keyId: record.keyId, name: record.name, ...(record.owner ? { owner: record.owner } : {}), ...(record.agentId ? { agentId: record.agentId } : {}) },
  };
}

import { mintApiKey, parseApiKeyToken, presentedCredential, secretMatches } from './api-key-token';
import type { ApiKeyRecord, ApiKeyStore } from './api-key.store';
import { ApiKeyVerifier, KEY_CACHE_MS } from './api-key.verifier';
import { Authenticator, requireRole } from './authenticator';
import { EnvKeyVerifier } from './env-keys.verifier';
import { AuthError } from './principal';
import { parseRoles } from './roles';

class MemoryKeyStore implements ApiKeyStore {
  readonly records = new Map<string, ApiKeyRecord>();
  lookups = 0;
  async find(keyId: string) { this.lookups++; return this.records.get(keyId); }
  async create(r: ApiKeyRecord) { this.records.set(r.keyId, r); }
  async list(tenantId: string) { return [...this.records.values()].filter((r) => r.tenantId === tenantId); }
  async revoke(tenantId: string, keyId: string, by: string, at: string) {
    const r = this.records.get(keyId);
    if (!r || r.tenantId !== tenantId || r.revokedAt) return false;
    this.records.set(keyId, { ...r, revokedAt: at, revokedBy: by });
    return true;
  }
}

const status = async (p: Promise<unknown>) => p.then(() => 200, (e: unknown) => (e instanceof AuthError ? e.getStatus() : 500));

describe('API key tokens', () => {
  it('mints a random key whose secret only its hash can check', () => {
    const a = mintApiKey();
    const b = mintApiKey();
    expect(a.token).toMatch(/^rvk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(a.token).not.toBe(b.token);
    const parsed = parseApiKeyToken(a.token);
    expect(parsed?.keyId).toBe(a.keyId);
    expect(secretMatches(a.secretHash, parsed!.secret)).toBe(true);
    expect(secretMatches(a.secretHash, parseApiKeyToken(b.token)!.secret)).toBe(false);
    expect(a.secretHash).not.toContain(parsed!.secret);
  });

  it('reads the credential from x-api-key or Authorization: Bearer', () => {
    expect(presentedCredential({ 'x-api-key': ' k1 ' })).toBe('k1');
    expect(presentedCredential({ authorization: 'Bearer t.o.k' })).toBe('t.o.k');
    expect(presentedCredential({ authorization: 'Basic abc' })).toBeUndefined();
    expect(presentedCredential({})).toBeUndefined();
  });
});

describe('ApiKeyVerifier', () => {
  const record = (minted: ReturnType<typeof mintApiKey>, extra: Partial<ApiKeyRecord> = {}): ApiKeyRecord => ({
    keyId: minted.keyId, tenantId: 'acme', name: 'ci', roles: ['ingest'], secretHash: minted.secretHash, createdAt: '2026-01-01T00:00:00.000Z', createdBy: 'admin', ...extra,
  });

  it('gives the tenant, roles and an actor from the key; refuses a wrong secret or an unknown key', async () => {
    const store = new MemoryKeyStore();
    const k = mintApiKey();
    await store.create(record(k, { roles: ['reviewer', 'approver'] }));
    const v = new ApiKeyVerifier(store);
    const p = await v.verify(k.token);
    expect(p).toMatchObject({ tenantId: 'acme', actor: { kind: 'service', id: 'key:ci' }, credential: { type: 'api-key', keyId: k.keyId } });
    expect([...p!.roles].sort()).toEqual(['approver', 'reviewer']);
    const forged = `rvk_${k.keyId}_${mintApiKey().token.slice(-43)}`;
    expect(await status(v.verify(forged))).toBe(401);
    expect(await status(v.verify(mintApiKey().token))).toBe(401);
    expect(await v.verify('not-a-reverie-key-000')).toBeUndefined();
  });

  it('stops accepting a revoked key once the short cache expires', async () => {
    const store = new MemoryKeyStore();
    const k = mintApiKey();
    await store.create(record(k));
    let now = 1_000_000;
    const v = new ApiKeyVerifier(store, () => now);
    expect(await status(v.verify(k.token))).toBe(200);
    await store.revoke('acme', k.keyId, 'admin', '2026-01-02T00:00:00.000Z');
    expect(await status(v.verify(k.token))).toBe(200); // cached
    now += KEY_CACHE_MS;
    expect(await status(v.verify(k.token))).toBe(401);
    expect(KEY_CACHE_MS).toBeLessThan(1000);
  });
});

describe('EnvKeyVerifier (operator keys)', () => {
  it('parses keys with roles (ingest when none are given) and errors that never show a key', () => {
    const v = EnvKeyVerifier.parse('first-admin-key-0001:acme:admin+reviewer,ingest-only-key-0002:acme');
    expect(v.size).toBe(2);
    expect(() => EnvKeyVerifier.parse('short:acme')).toThrow(/entry 1 of 1: the key must be at least 16 characters/);
    expect(() => EnvKeyVerifier.parse('a-long-enough-key-01:acme:wizard')).toThrow(/unknown role "wizard"/);
    try { EnvKeyVerifier.parse('a-long-enough-key-01:bad tenant'); } catch (e) { expect((e as Error).message).not.toContain('a-long-enough-key-01'); }
  });

  it('authenticates in constant time over all keys and leaves rvk_ keys and JWTs to other verifiers', async () => {
    const v = EnvKeyVerifier.parse('first-admin-key-0001:acme:admin,ingest-only-key-0002:globex');
    expect(await v.verify('first-admin-key-0001')).toMatchObject({ tenantId: 'acme', roles: new Set(['admin']) });
    expect(await v.verify('ingest-only-key-0002')).toMatchObject({ tenantId: 'globex', roles: new Set(['ingest']) });
    const named = EnvKeyVerifier.parse('first-admin-key-0001:acme:admin:ops-admin');
    expect(await named.verify('first-admin-key-0001')).toMatchObject({ actor: { id: 'key:operator:ops-admin' } });
    expect(() => EnvKeyVerifier.parse('first-admin-key-0001:acme:admin:bad name')).toThrow(/the name must be/);
    expect(await status(v.verify('wrong-key-0000000000'))).toBe(401);
    expect(await v.verify(mintApiKey().token)).toBeUndefined();
    expect(await v.verify('a.b.c')).toBeUndefined();
  });
});

describe('Authenticator and roles', () => {
  it('answers 401 without a credential or with one nobody recognises, 403 without the role', async () => {
    const auth = new Authenticator([EnvKeyVerifier.parse('first-admin-key-0001:acme:reviewer')]);
    expect(await status(auth.authenticate({}))).toBe(401);
    expect(await status(auth.authenticate({ authorization: 'Bearer x.y.z' }))).toBe(401);
    const p = await auth.authenticate({ 'x-api-key': 'first-admin-key-0001' });
    expect(() => requireRole(p, ['reviewer'])).not.toThrow();
    expect(() => requireRole(p, ['approver', 'admin'])).toThrow(/needs one of the roles approver, admin; the credential has reviewer/);
    expect(parseRoles('reviewer+approver', 'x')).toEqual(['reviewer', 'approver']);
  });
});

import { createHash, timingSafeEqual } from 'node:crypto';
import { SUBJECT_TOKEN } from '@reverie/contracts';
import { AuthError, type CredentialVerifier, type Principal } from './principal';
import { parseRoles, type Role } from './roles';
import { principalOfKey } from './api-key.verifier';

export const MIN_ENV_KEY_LENGTH = 16;
const sha256 = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

interface EnvKey { digest: Buffer; tenantId: string; roles: Role[]; name: string }

/**
 * Keys configured by the operator in `REVERIE_API_KEYS` (`key:tenant[:role+role[:name]],…`): how the
 * first admin gets in before any key exists in the database, and how a deployment without a
 * database for keys still authenticates. Without roles an entry is an `ingest` key (what the
 * variable meant before roles existed). Only digests are kept; a presented key is compared with
 * every digest in constant time, with no early exit.
 */
export class EnvKeyVerifier implements CredentialVerifier {
  private constructor(private readonly keys: readonly EnvKey[]) {}

  /** Errors name the entry by position, never its key. */
  static parse(spec: string | undefined): EnvKeyVerifier {
    if (!spec?.trim()) return new EnvKeyVerifier([]);
    const items = spec.split(',').map((s) => s.trim());
    const problems: string[] = [];
    const keys: EnvKey[] = [];
    const seen = new Set<string>();
    items.forEach((item, i) => {
      const where = `REVERIE_API_KEYS entry ${i + 1} of ${items.length}`;
      const parts = item.split(':');
      if (parts.length < 2 || parts.length > 4 || !parts[0] || !parts[1]) { problems.push(`${where}: expected <key>:<tenant>[:<role>+<role>[:<name>]]`); return; }
      const [key, tenantId, roleSpec, givenName] = parts;
      // Who the key acts as in the audit: `key:env-<n>` by position, or `key:operator:<name>` when named
      // (so reordering the list changes nobody). Keys created through the API can take neither form.
      if (givenName !== undefined && !/^[\w.-]{1,64}$/.test(givenName)) problems.push(`${where}: the name must be 1-64 characters of A-Z a-z 0-9 _ . -`);
      const name = givenName === undefined ? `env-${i + 1}` : `operator:${givenName}`;
      if (key.length < MIN_ENV_KEY_LENGTH) problems.push(`${where}: the key must be at least ${MIN_ENV_KEY_LENGTH} characters (it has ${key.length})`);
      if (/\s/.test(key)) problems.push(`${where}: the key must not contain spaces`);
      if (!SUBJECT_TOKEN.test(tenantId)) problems.push(`${where}: tenant ${JSON.stringify(tenantId.slice(0, 140))} must be 1-128 characters of A-Z a-z 0-9 _ -`);
      let roles: Role[] = ['ingest'];
      if (roleSpec !== undefined) { try { roles = parseRoles(roleSpec, where); } catch (e) { problems.push((e as Error).message); } }
      const digest = sha256(key);
      if (seen.has(digest.toString('hex'))) problems.push(`${where}: the same key is listed twice`);
      seen.add(digest.toString('hex'));
      keys.push({ digest, tenantId, roles, name });
    });
    if (problems.length) throw new Error(problems.join('; '));
    return new EnvKeyVerifier(keys);
  }

  get size(): number {
    return this.keys.length;
  }

  async verify(token: string): Promise<Principal | undefined> {
    if (!this.keys.length || token.startsWith('rvk_') || token.split('.').length === 3) return undefined;
    const digest = sha256(token);
    let match: EnvKey | undefined;
    for (const k of this.keys) if (timingSafeEqual(k.digest, digest)) match ??= k;
    if (!match) throw new AuthError(401, 'the API key is not valid');
    return principalOfKey({ keyId: match.name, tenantId: match.tenantId, name: match.name, roles: match.roles });
  }
}

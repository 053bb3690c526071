import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API keys are `rvk_<keyId>_<secret>`: the key id (12 hex) finds the stored record, the secret
 * (32 random bytes, base64url) is checked against its SHA-256 in constant time. A random 256-bit
 * secret needs no slow hash: there is nothing to guess from its digest.
 */
const TOKEN = /^rvk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

export interface MintedApiKey {
  keyId: string;
  /** Shown once to whoever created it; only its hash is stored. */
  token: string;
  secretHash: string;
}

export function mintApiKey(): MintedApiKey {
  const keyId = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { keyId, token: `rvk_${keyId}_${secret}`, secretHash: hashSecret(secret) };
}

export function parseApiKeyToken(token: string): { keyId: string; secret: string } | undefined {
  const m = TOKEN.exec(token);
  return m ? { keyId: m[1], secret: m[2] } : undefined;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Constant time in the length of the digest, whatever the secret. */
export function secretMatches(secretHash: string, secret: string): boolean {
  const a = Buffer.from(secretHash, 'hex');
  const b = Buffer.from(hashSecret(secret), 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The credential a request presents: `x-api-key`, else `Authorization: Bearer <token>`. */
export function presentedCredential(headers: Record<string, string | string[] | undefined>): string | undefined {
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const key = first(headers['x-api-key'])?.trim();
  if (key) return key;
  const auth = first(headers['authorization'])?.trim();
  const bearer = auth ? /^Bearer\s+(\S+)$/i.exec(auth) : null;
  return bearer?.[1];
}

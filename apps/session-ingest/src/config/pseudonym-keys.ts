import { createHmac } from 'node:crypto';
import type { PseudonymKeyProvider } from '@reverie/redaction';

/** Shortest REVERIE_PSEUDONYM_KEY accepted. */
export const MIN_DEPLOYMENT_KEY_CHARS = 32;

/**
 * Used when REVERIE_PSEUDONYM_KEY is unset outside production. It is in the source code, so
 * pseudonyms made with it protect nothing: anyone can recompute them for a known user id.
 */
export const DEVELOPMENT_PSEUDONYM_KEY = 'reverie-development-pseudonym-key:not-a-secret:set-REVERIE_PSEUDONYM_KEY';

/**
 * Each tenant's pseudonym key, derived from the deployment secret:
 * `HMAC-SHA256(REVERIE_PSEUDONYM_KEY as UTF-8, 'reverie-pseudonym:' + tenantId)`. The redactor then
 * makes `pseudonym-<first 20 hex of HMAC-SHA256(tenant key, user id)>`, so the same user id gets
 * the same pseudonym within a tenant and different ones in different tenants. Changing the
 * deployment key changes every pseudonym from then on (the same person then counts twice).
 */
export function tenantPseudonymKeys(deploymentKey: string): PseudonymKeyProvider {
  return (tenantId) => createHmac('sha256', deploymentKey).update(`reverie-pseudonym:${tenantId}`, 'utf8').digest();
}

export interface PseudonymKeys {
  keyFor: PseudonymKeyProvider;
  /** True when no REVERIE_PSEUDONYM_KEY was set and the development key is in use (never in production: config refuses it). */
  development: boolean;
}

export function pseudonymKeys(config: { REVERIE_PSEUDONYM_KEY?: string }): PseudonymKeys {
  const key = config.REVERIE_PSEUDONYM_KEY;
  return { keyFor: tenantPseudonymKeys(key ?? DEVELOPMENT_PSEUDONYM_KEY), development: key === undefined };
}

export const DEVELOPMENT_KEY_WARNING =
  'REVERIE_PSEUDONYM_KEY is not set: user ids that are e-mail addresses or phone numbers are pseudonymized with the fixed development key, ' +
  'so anyone can recompute their pseudonyms; set it (at least 32 characters, e.g. `openssl rand -hex 32`) before ingesting real data. It is required when NODE_ENV=production';

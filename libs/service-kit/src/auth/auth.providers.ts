import type { Provider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE } from '../infrastructure/infrastructure.tokens';
import { ApiKeyVerifier } from './api-key.verifier';
import { PgApiKeyStore } from './api-key.store';
import { Authenticator } from './authenticator';
import { EnvKeyVerifier } from './env-keys.verifier';
import { AUTHENTICATOR, PolicyGuard } from './policy';
import type { CredentialVerifier } from './principal';
import { jwtVerifierFromConfig, type OidcConfig } from './jwt.verifier';

export const API_KEY_STORE = Symbol('API_KEY_STORE');

export interface AuthConfig extends Partial<OidcConfig> {
  /** `key:tenant[:role+role],…` (see EnvKeyVerifier). */
  REVERIE_API_KEYS?: string;
}

/**
 * The authenticator every service uses (operator keys from the environment, keys in Postgres,
 * OIDC tokens when an issuer is configured, and `extra` verifiers), the key store, and the global
 * deny-by-default guard.
 */
export function authProviders(config: AuthConfig, extra: readonly CredentialVerifier[] = []): Provider[] {
  const envKeys = EnvKeyVerifier.parse(typeof config.REVERIE_API_KEYS === 'string' ? config.REVERIE_API_KEYS : undefined);
  const jwt = jwtVerifierFromConfig(config);
  return [
    { provide: API_KEY_STORE, inject: [DATA_SOURCE], useFactory: (ds: DataSource) => new PgApiKeyStore(ds) },
    {
      provide: AUTHENTICATOR, inject: [API_KEY_STORE],
      useFactory: (store: PgApiKeyStore) => new Authenticator([envKeys, new ApiKeyVerifier(store), ...(jwt ? [jwt] : []), ...extra]),
    },
    { provide: APP_GUARD, useClass: PolicyGuard },
  ];
}

import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { SUBJECT_TOKEN } from '@reverie/contracts';
import { ConfigError } from '../config/config';
import { AuthError, type CredentialVerifier, type Principal } from './principal';
import { isRole, type Role } from './roles';

/**
 * The signature algorithms a token may use: asymmetric only, so nothing but the issuer's
 * private key can sign one (an HMAC token would be "signed" with whatever secret the attacker
 * chose, and `none` is not signed at all).
 */
export const JWT_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'] as const;
/** How far the clocks of the issuer and of this service may disagree on `exp` and `nbf`. */
export const JWT_CLOCK_TOLERANCE_SECONDS = 30;

export const DEFAULT_OIDC_TENANT_CLAIM = 'reverie_tenant';
export const DEFAULT_OIDC_ROLES_CLAIM = 'reverie_roles';
export const DEFAULT_OIDC_ACTOR_CLAIM = 'sub';

/** Three dot-separated base64url parts (the signature may be empty, as in an `alg: none` token, which is then refused). */
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** https, or http to this machine only (a local issuer in development and tests): keys fetched in clear could be swapped on the way. */
const issuerUrl = (what: string) =>
  z.string().refine((v) => {
    try {
      const u = new URL(v);
      return u.protocol === 'https:' || (u.protocol === 'http:' && LOOPBACK.has(u.hostname));
    } catch {
      return false;
    }
  }, `expected ${what} as an https:// URL (http:// only to localhost)`);

const claimName = z.string().min(1, 'expected a claim name').max(256, 'expected a claim name of at most 256 characters');

/**
 * The OIDC variables, to merge into a service's config schema:
 * `commonConfigSchema('…').extend(oidcConfigSchema.shape)`. Without `REVERIE_OIDC_ISSUER` no
 * JWT is accepted; with it, `REVERIE_OIDC_AUDIENCE` is required (checked by
 * `jwtVerifierFromConfig`, since a refinement would not survive `.extend`).
 */
export const oidcConfigSchema = z.object({
  REVERIE_OIDC_ISSUER: issuerUrl('the issuer').optional(),
  REVERIE_OIDC_AUDIENCE: z.string().min(1).max(1024).optional(),
  REVERIE_OIDC_JWKS_URL: issuerUrl('the JWKS URL').optional(),
  REVERIE_OIDC_TENANT_CLAIM: claimName.default(DEFAULT_OIDC_TENANT_CLAIM),
  REVERIE_OIDC_ROLES_CLAIM: claimName.default(DEFAULT_OIDC_ROLES_CLAIM),
  REVERIE_OIDC_ACTOR_CLAIM: claimName.default(DEFAULT_OIDC_ACTOR_CLAIM),
});
export type OidcConfig = z.infer<typeof oidcConfigSchema>;

export interface JwtVerifierOptions {
  /** Compared exactly with the token's `iss`. */
  issuer: string;
  /** The token's `aud` must be, or contain, this. */
  audience: string;
  /** Where the issuer publishes its public keys; default `<issuer>/.well-known/jwks.json`. */
  jwksUrl?: string;
  tenantClaim?: string;
  rolesClaim?: string;
  actorClaim?: string;
  clockToleranceSeconds?: number;
  /** The issuer's keys, instead of fetching `jwksUrl` (a local JWKS set, in tests). */
  keys?: JWTVerifyGetKey;
}

export function defaultJwksUrl(issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}/.well-known/jwks.json`;
}

/**
 * Bearer JWTs for people, from the configured OIDC issuer: the signature is checked against
 * the issuer's published keys (fetched, cached and refetched by jose when an unknown `kid`
 * appears), then the issuer, the audience, the expiry (with a small clock tolerance) and the
 * algorithm (asymmetric only). The tenant, roles and actor come from configured claims; roles
 * this service does not know are ignored, and a token with none is authenticated but may do
 * nothing (403 on every route). Error messages say what is wrong, never quote the token.
 */
export class JwtVerifier implements CredentialVerifier {
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUrl: string;
  readonly tenantClaim: string;
  readonly rolesClaim: string;
  readonly actorClaim: string;
  private readonly clockTolerance: number;
  private readonly keys: JWTVerifyGetKey;

  constructor(options: JwtVerifierOptions) {
    this.issuer = options.issuer;
    this.audience = options.audience;
    this.jwksUrl = options.jwksUrl ?? defaultJwksUrl(options.issuer);
    this.tenantClaim = options.tenantClaim ?? DEFAULT_OIDC_TENANT_CLAIM;
    this.rolesClaim = options.rolesClaim ?? DEFAULT_OIDC_ROLES_CLAIM;
    this.actorClaim = options.actorClaim ?? DEFAULT_OIDC_ACTOR_CLAIM;
    this.clockTolerance = options.clockToleranceSeconds ?? JWT_CLOCK_TOLERANCE_SECONDS;
    this.keys = options.keys ?? createRemoteJWKSet(new URL(this.jwksUrl));
  }

  async verify(token: string): Promise<Principal | undefined> {
    if (!JWT_SHAPE.test(token)) return undefined;
    this.checkAlgorithm(token);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        issuer: this.issuer,
        audience: this.audience,
        algorithms: [...JWT_ALGORITHMS],
        clockTolerance: this.clockTolerance,
        requiredClaims: ['exp'],
      }));
    } catch (e) {
      throw new AuthError(401, this.describeFailure(e));
    }
    return this.principalOf(payload);
  }

  /** Refuses `none` and symmetric algorithms by name, before any key is looked up. */
  private checkAlgorithm(token: string): void {
    let alg: unknown;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      throw new AuthError(401, 'the bearer token is not a well-formed JWT (its header is not base64url JSON)');
    }
    if (typeof alg !== 'string' || !alg) throw new AuthError(401, 'the JWT names no signature algorithm');
    if (alg.toLowerCase() === 'none') throw new AuthError(401, 'the JWT is unsigned (alg "none"); a token signed by the issuer is required');
    if (!(JWT_ALGORITHMS as readonly string[]).includes(alg)) {
      throw new AuthError(401, `the JWT's signature algorithm ${JSON.stringify(alg.slice(0, 16))} is not accepted; expected one of ${JWT_ALGORITHMS.join(', ')}`);
    }
  }

  private describeFailure(e: unknown): string {
    const err = e as { code?: string; claim?: string; reason?: string; payload?: JWTPayload };
    switch (err?.code) {
      case 'ERR_JWT_EXPIRED': {
        const exp = typeof err.payload?.exp === 'number' ? ` at ${new Date(err.payload.exp * 1000).toISOString()}` : '';
        return `the JWT expired${exp}`;
      }
      case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
        if (err.claim === 'iss') return `the JWT's issuer (iss) is not the configured issuer ${this.issuer}`;
        if (err.claim === 'aud') return `the JWT's audience (aud) is not ${this.audience}`;
        if (err.claim === 'nbf') return 'the JWT is not valid yet (nbf is in the future)';
        if (err.claim === 'exp') return 'the JWT has no valid expiry (exp claim)';
        if (err.claim === 'iat') return 'the JWT has an invalid issued-at time (iat claim)';
        return `the JWT's ${err.claim ?? 'claims'} claim is not valid`;
      case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
        return "the JWT's signature does not verify with the issuer's keys";
      case 'ERR_JWKS_NO_MATCHING_KEY':
        return "the JWT is not signed by any of the issuer's keys (no key in its JWKS matches), so its signature cannot be verified";
      case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
        return "the JWT's signature cannot be verified: it names no key id (kid) and several of the issuer's keys match";
      case 'ERR_JOSE_ALG_NOT_ALLOWED':
        return `the JWT's signature algorithm is not accepted; expected one of ${JWT_ALGORITHMS.join(', ')}`;
      case 'ERR_JOSE_NOT_SUPPORTED':
        return "the JWT's algorithm or the issuer's key type is not supported";
      case 'ERR_JWS_INVALID':
      case 'ERR_JWT_INVALID':
        return 'the bearer token is not a well-formed JWT';
      case 'ERR_JWK_INVALID':
        return "the issuer's key for this JWT is not valid";
      case 'ERR_JWKS_TIMEOUT':
        return "the issuer's signing keys could not be fetched in time (JWKS timeout); try again";
      case 'ERR_JWKS_INVALID':
        return "the issuer's JWKS is not a valid key set, so the JWT cannot be verified";
      default:
        // A fetch failure (connection refused, non-200, not JSON) or anything else jose raised.
        return "the JWT could not be verified: the issuer's signing keys could not be fetched";
    }
  }

  private principalOf(payload: JWTPayload): Principal {
    const tenantId = payload[this.tenantClaim];
    if (tenantId === undefined || tenantId === null || tenantId === '') throw new AuthError(401, `the JWT has no ${this.tenantClaim} claim naming the tenant`);
    if (typeof tenantId !== 'string' || !SUBJECT_TOKEN.test(tenantId)) {
      throw new AuthError(401, `the JWT's ${this.tenantClaim} claim must be a tenant id of 1-128 characters of A-Z a-z 0-9 _ -`);
    }
    const actorId = payload[this.actorClaim];
    if (typeof actorId !== 'string' || !actorId) throw new AuthError(401, `the JWT has no ${this.actorClaim} claim naming the user`);
    if (actorId.length > 256) throw new AuthError(401, `the JWT's ${this.actorClaim} claim is longer than 256 characters`);
    // API keys act as `key:<name>`: a person must not be able to pass as one in the audit.
    if (actorId.startsWith('key:')) throw new AuthError(401, `the JWT's ${this.actorClaim} claim must not start with "key:" (reserved for API keys)`);
    return {
      tenantId,
      actor: { kind: 'user', id: actorId },
      roles: new Set(rolesOfClaim(payload[this.rolesClaim])),
      credential: { type: 'jwt', issuer: String(payload.iss), subject: typeof payload.sub === 'string' && payload.sub ? payload.sub : actorId },
    };
  }
}

/** An array of strings or one space/comma separated string; roles this service does not know are ignored. */
export function rolesOfClaim(value: unknown): Role[] {
  const names = typeof value === 'string' ? value.split(/[\s,]+/) : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  return [...new Set(names.map((n) => n.trim()).filter(isRole))];
}

/**
 * The JWT verifier the configuration asks for, or undefined when `REVERIE_OIDC_ISSUER` is not
 * set. Throws a ConfigError naming the variable when the issuer is set without an audience, or
 * an audience or JWKS URL is set without an issuer (OIDC half configured would silently be off).
 */
export function jwtVerifierFromConfig(config: Partial<OidcConfig>): JwtVerifier | undefined {
  const issuer = config.REVERIE_OIDC_ISSUER;
  if (!issuer) {
    const set = (['REVERIE_OIDC_AUDIENCE', 'REVERIE_OIDC_JWKS_URL'] as const).filter((v) => config[v]);
    if (set.length) throw new ConfigError([{ variable: 'REVERIE_OIDC_ISSUER', message: `required when ${set.join(' or ')} is set (not set)` }]);
    return undefined;
  }
  if (!config.REVERIE_OIDC_AUDIENCE) throw new ConfigError([{ variable: 'REVERIE_OIDC_AUDIENCE', message: 'required when REVERIE_OIDC_ISSUER is set (not set)' }]);
  return new JwtVerifier({
    issuer,
    audience: config.REVERIE_OIDC_AUDIENCE,
    jwksUrl: config.REVERIE_OIDC_JWKS_URL ?? defaultJwksUrl(issuer),
    tenantClaim: config.REVERIE_OIDC_TENANT_CLAIM ?? DEFAULT_OIDC_TENANT_CLAIM,
    rolesClaim: config.REVERIE_OIDC_ROLES_CLAIM ?? DEFAULT_OIDC_ROLES_CLAIM,
    actorClaim: config.REVERIE_OIDC_ACTOR_CLAIM ?? DEFAULT_OIDC_ACTOR_CLAIM,
  });
}

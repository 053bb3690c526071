import { accessSync, constants } from 'node:fs';
import { z } from 'zod';
import { DEFAULT_PORTS, type ServiceName } from '@reverie/contracts';
import { oidcConfigSchema } from '../auth/jwt.verifier';

const urlWithProtocols = (protocols: string[], expected: string) =>
  z.string().refine((v) => {
    try {
      return protocols.includes(new URL(v).protocol);
    } catch {
      return false;
    }
  }, `expected ${expected}`);

/** `true` or `false`, nothing else: a typo in a safety switch must not pass for either. */
const flag = () =>
  z.enum(['true', 'false'], { error: 'expected true or false' }).default('false').transform((v) => v === 'true');

/** A path to a file this process can read (checked at start-up, so a wrong path is named there). */
const readableFile = () =>
  z.string().refine((path) => {
    try {
      accessSync(path, constants.R_OK);
      return true;
    } catch {
      return false;
    }
  }, 'expected a readable file');

/** Requests per minute per credential (or per client IP without one) when REVERIE_RATE_LIMIT_PER_MINUTE is unset. */
export const DEFAULT_RATE_LIMIT_PER_MINUTE = 1200;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The variables every service reads. Extend it with `.extend({...})` for service-specific ones. */
export function commonConfigSchema(service: ServiceName) {
  return z.object({
    NATS_URL: urlWithProtocols(['nats:', 'tls:'], 'a nats:// URL').default('nats://127.0.0.1:4222'),
    /** TLS to NATS: the CA to trust, and a client certificate with its key (files). Any of them, or a tls:// URL, requires TLS. */
    NATS_TLS_CA: readableFile().optional(),
    NATS_TLS_CERT: readableFile().optional(),
    NATS_TLS_KEY: readableFile().optional(),
    /** The NATS user this service connects as (deploy/nats/nats-server.conf has one per service), with NATS_PASSWORD. */
    NATS_USER: z.string().optional(),
    NATS_PASSWORD: z.string().optional(),
    /** Or a NATS credentials file (JWT and nkey seed) instead of a user and password. */
    NATS_CREDS: readableFile().optional(),
    DATABASE_URL: urlWithProtocols(['postgres:', 'postgresql:'], 'a postgres:// URL').default(
      'postgres://postgres@127.0.0.1:5432/reverie',
    ),
    REVERIE_NAMESPACE: z
      .string()
      .regex(/^[a-z0-9_]{0,32}$/, 'expected 0-32 characters of a-z 0-9 _')
      .default(''),
    LOG_LEVEL: z.enum(LOG_LEVELS, { error: `expected one of ${LOG_LEVELS.join(', ')}` }).default('info'),
    OTEL_EXPORTER_OTLP_ENDPOINT: urlWithProtocols(['http:', 'https:'], 'an http(s):// URL').optional(),
    PORT: z.coerce
      .number({ error: 'expected a port number' })
      .int('expected a whole port number')
      .min(0, 'expected a port from 0 to 65535')
      .max(65535, 'expected a port from 0 to 65535')
      .default(DEFAULT_PORTS[service]),
    HOST: z.string().min(1).default('127.0.0.1'),
    /** In production, HOST may be 0.0.0.0 (every interface) only with this set to true. */
    REVERIE_ALLOW_PUBLIC_BIND: flag(),
    /** Production checks at start-up (also on with NODE_ENV=production): see production-checks.ts. */
    REVERIE_PRODUCTION: flag(),
    /** Requests per minute per presented credential (per client IP without one); 0 turns the limit off. */
    REVERIE_RATE_LIMIT_PER_MINUTE: z.coerce
      .number({ error: 'expected a whole number of requests per minute (0 turns the limit off)' })
      .int('expected a whole number of requests per minute (0 turns the limit off)')
      .min(0, 'expected a whole number of requests per minute (0 turns the limit off)')
      .default(DEFAULT_RATE_LIMIT_PER_MINUTE),
    /**
     * Origins whose pages may call this service from a browser (the reviewer console's, e.g.
     * `http://localhost:4103`), comma-separated; unset: none (no CORS headers at all).
     */
    REVERIE_CONSOLE_ORIGINS: z.string().optional().transform((s, ctx) => {
      const origins = (s ?? '').split(',').map((o) => o.trim()).filter(Boolean);
      for (const o of origins) {
        if (!/^https?:\/\/[^/\s]+$/.test(o)) {
          ctx.addIssue({ code: 'custom', message: `"${o}" is not an origin (scheme://host[:port], no path)` });
          return z.NEVER;
        }
      }
      return origins;
    }),
    /** Readiness fails when a consumer has more than this many messages waiting for it. */
    REVERIE_READY_MAX_LAG: z.coerce.number({ error: 'expected a whole number of messages' }).int().min(1).default(10_000),
    /**
     * Who this replica is, for the projection leases (one replica applies each projection, the
     * others stand by). Default: the host name, unique per container or pod; set it when several
     * processes of one service run on one host.
     */
    REVERIE_REPLICA_ID: z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'expected 1-128 characters of A-Z a-z 0-9 _ . : -').optional(),
    /** Partitions of the sessions projection (as `reverie setup` was given): replicas of session-ingest share them. */
    REVERIE_SESSION_PARTITIONS: z.coerce.number({ error: 'expected a whole number from 1 to 64' }).int('expected a whole number from 1 to 64').min(1, 'expected a whole number from 1 to 64').max(64, 'expected a whole number from 1 to 64').default(1),
    /** How long a projection lease lasts without renewal: the longest a crashed leader keeps its standbys waiting. */
    REVERIE_PROJECTION_LEASE_SECONDS: z.coerce.number({ error: 'expected a number of seconds' }).min(2, 'expected at least 2 seconds').max(600, 'expected at most 600 seconds').default(15),
    /** The master key of session content (32 bytes, base64): wraps each tenant's key-encryption key. Production requires it. */
    REVERIE_CONTENT_KEY: z.string().optional(),
    /** Operator keys, `key:tenant[:role+role],…` (EnvKeyVerifier): the first admin's way in. */
    REVERIE_API_KEYS: z.string().optional(),
    /** OIDC for people: REVERIE_OIDC_ISSUER, _AUDIENCE, _JWKS_URL, _TENANT_CLAIM, _ROLES_CLAIM, _ACTOR_CLAIM. */
    ...oidcConfigSchema.shape,
  });
}
export type CommonConfig = z.infer<ReturnType<typeof commonConfigSchema>>;

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

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The variables every service reads. Extend it with `.extend({...})` for service-specific ones. */
export function commonConfigSchema(service: ServiceName) {
  return z.object({
    NATS_URL: urlWithProtocols(['nats:', 'tls:'], 'a nats:// URL').default('nats://127.0.0.1:4222'),
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
    /** Operator keys, `key:tenant[:role+role],…` (EnvKeyVerifier): the first admin's way in. */
    REVERIE_API_KEYS: z.string().optional(),
    /** OIDC for people: REVERIE_OIDC_ISSUER, _AUDIENCE, _JWKS_URL, _TENANT_CLAIM, _ROLES_CLAIM, _ACTOR_CLAIM. */
    ...oidcConfigSchema.shape,
  });
}
export type CommonConfig = z.infer<ReturnType<typeof commonConfigSchema>>;

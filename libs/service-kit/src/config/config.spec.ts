import path from 'node:path';
import { z } from 'zod';
import { ConfigError, loadConfig } from './config';
import { commonConfigSchema } from './common-config';

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies the defaults, with the per-service port', () => {
    expect(loadConfig(commonConfigSchema('dreaming'), {})).toEqual({
      NATS_URL: 'nats://127.0.0.1:4222',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/reverie',
      REVERIE_NAMESPACE: '',
      REVERIE_OIDC_ACTOR_CLAIM: 'sub',
      REVERIE_OIDC_ROLES_CLAIM: 'reverie_roles',
      REVERIE_OIDC_TENANT_CLAIM: 'reverie_tenant',
      LOG_LEVEL: 'info',
      PORT: 4102,
      HOST: '127.0.0.1',
      REVERIE_ALLOW_PUBLIC_BIND: false,
      REVERIE_PRODUCTION: false,
      REVERIE_RATE_LIMIT_PER_MINUTE: 1200,
      REVERIE_CONSOLE_ORIGINS: [],
      REVERIE_READY_MAX_LAG: 10_000,
      REVERIE_SESSION_PARTITIONS: 1,
      REVERIE_PROJECTION_LEASE_SECONDS: 15,
    });
    expect(loadConfig(commonConfigSchema('agent-serving'), {}).PORT).toBe(4104);
  });

  it('reads the console\'s origins and names one that is not an origin', () => {
    expect(loadConfig(commonConfigSchema('dreaming'), { REVERIE_CONSOLE_ORIGINS: 'http://localhost:4103, https://review.example.com' }).REVERIE_CONSOLE_ORIGINS)
      .toEqual(['http://localhost:4103', 'https://review.example.com']);
    expect(() => loadConfig(commonConfigSchema('dreaming'), { REVERIE_CONSOLE_ORIGINS: 'http://localhost:4103/console/' })).toThrow(/REVERIE_CONSOLE_ORIGINS[\s\S]*is not an origin/);
  });

  it('reads and coerces set variables; empty ones count as unset', () => {
    const c = loadConfig(commonConfigSchema('dreaming'), {
      NATS_URL: 'nats://nats:4222', PORT: '0', LOG_LEVEL: 'debug', REVERIE_NAMESPACE: 't1',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', HOST: '', UNRELATED: 'x',
    });
    expect(c).toMatchObject({ NATS_URL: 'nats://nats:4222', PORT: 0, LOG_LEVEL: 'debug', REVERIE_NAMESPACE: 't1', HOST: '127.0.0.1' });
    expect(c.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://collector:4318');
    expect(c).not.toHaveProperty('UNRELATED');
  });

  it('names every bad variable, why, and what it got', () => {
    const e = configError(() =>
      loadConfig(commonConfigSchema('dreaming'), {
        NATS_URL: 'foo', PORT: 'eighty', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://root:hunter2@db/x', REVERIE_NAMESPACE: 'Has-Caps',
      }),
    );
    expect(e.problems.map((p) => p.variable).sort()).toEqual(['DATABASE_URL', 'LOG_LEVEL', 'NATS_URL', 'PORT', 'REVERIE_NAMESPACE']);
    expect(e.message).toContain('NATS_URL: expected a nats:// URL, got "foo"');
    expect(e.message).toContain('PORT: expected a port number, got "eighty"');
    expect(e.message).toContain('LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent, got "loud"');
    expect(e.message).toContain('DATABASE_URL: expected a postgres:// URL, got "mysql://root:***@db/x"');
    expect(e.message).not.toContain('hunter2');
  });

  it('names a missing required variable and hides secret values', () => {
    const schema = commonConfigSchema('session-ingest').extend({
      INGEST_API_KEYS: z.string().min(20, 'expected at least 20 characters'),
      DREAM_EVERY: z.coerce.number().int().positive(),
    });
    const missing = configError(() => loadConfig(schema, {}));
    expect(missing.message).toMatch(/INGEST_API_KEYS: .*\(not set\)/);
    expect(missing.message).toMatch(/DREAM_EVERY: .*\(not set\)/);
    const short = configError(() => loadConfig(schema, { INGEST_API_KEYS: 'sk-short-secret', DREAM_EVERY: '5' }));
    expect(short.message).toContain('INGEST_API_KEYS: expected at least 20 characters, got a value of 15 characters (hidden)');
    expect(short.message).not.toContain('sk-short-secret');
  });
});

describe('service configuration as a whole', () => {
  // Readable files that exist (their content is nats.js's business, when it connects).
  const [ca, cert, key] = [__filename, path.join(__dirname, 'config.ts'), path.join(__dirname, 'common-config.ts')];
  const missing = path.join(__dirname, 'no-such-ca.pem');
  const load = (env: NodeJS.ProcessEnv) => loadConfig(commonConfigSchema('session-ingest'), env);
  /** What docker-compose.yml gives every service. */
  const composeEnv = {
    NATS_URL: 'nats://nats:4222',
    DATABASE_URL: 'postgres://postgres:postgres@postgres:5432/reverie',
    REVERIE_API_KEYS: 'reverie-local-dev-key:default:ingest+agent+reviewer+approver+admin',
    HOST: '0.0.0.0',
  };

  it('reads the rate limit (0 turns it off) and refuses anything but a whole number', () => {
    expect(load({ REVERIE_RATE_LIMIT_PER_MINUTE: '60' }).REVERIE_RATE_LIMIT_PER_MINUTE).toBe(60);
    expect(load({ REVERIE_RATE_LIMIT_PER_MINUTE: '0' }).REVERIE_RATE_LIMIT_PER_MINUTE).toBe(0);
    for (const bad of ['-1', '1.5', 'lots']) {
      expect(configError(() => load({ REVERIE_RATE_LIMIT_PER_MINUTE: bad })).message).toContain(`REVERIE_RATE_LIMIT_PER_MINUTE: expected a whole number of requests per minute (0 turns the limit off), got "${bad}"`);
    }
  });

  it('takes only true or false for the switches', () => {
    expect(load({ REVERIE_PRODUCTION: 'false', REVERIE_ALLOW_PUBLIC_BIND: 'true' })).toMatchObject({ REVERIE_PRODUCTION: false, REVERIE_ALLOW_PUBLIC_BIND: true });
    const e = configError(() => load({ REVERIE_PRODUCTION: 'yes', REVERIE_ALLOW_PUBLIC_BIND: '1' }));
    expect(e.problems.map((p) => p.variable).sort()).toEqual(['REVERIE_ALLOW_PUBLIC_BIND', 'REVERIE_PRODUCTION']);
    expect(e.message).toContain('REVERIE_PRODUCTION: expected true or false, got "yes"');
  });

  it('reads the NATS TLS files, which must be readable, a client certificate with its key', () => {
    expect(load({ NATS_TLS_CA: ca, NATS_TLS_CERT: cert, NATS_TLS_KEY: key })).toMatchObject({ NATS_TLS_CA: ca, NATS_TLS_CERT: cert, NATS_TLS_KEY: key });
    expect(configError(() => load({ NATS_TLS_CA: missing })).message).toContain(`NATS_TLS_CA: expected a readable file, got "${missing}"`);
    expect(configError(() => load({ NATS_TLS_CERT: cert })).message).toContain('NATS_TLS_KEY: expected the key of the client certificate in NATS_TLS_CERT (not set)');
    expect(configError(() => load({ NATS_TLS_KEY: key })).message).toContain('NATS_TLS_CERT: expected the client certificate for the key in NATS_TLS_KEY (not set)');
  });

  it('reads the NATS user with its password, or a credentials file, never both', () => {
    expect(load({ NATS_USER: 'ingest', NATS_PASSWORD: 'p0123456789' })).toMatchObject({ NATS_USER: 'ingest', NATS_PASSWORD: 'p0123456789' });
    expect(load({ NATS_CREDS: ca })).toMatchObject({ NATS_CREDS: ca });
    expect(configError(() => load({ NATS_USER: 'ingest' })).message).toContain('NATS_PASSWORD: expected the password of NATS_USER (not set)');
    expect(configError(() => load({ NATS_PASSWORD: 'p0123456789' })).message).toContain('NATS_USER: expected the user whose password NATS_PASSWORD is (not set)');
    expect(configError(() => load({ NATS_CREDS: ca, NATS_USER: 'ingest', NATS_PASSWORD: 'x' })).message).toContain('NATS_CREDS: expected either a credentials file or NATS_USER with NATS_PASSWORD, not both');
    expect(configError(() => load({ NATS_CREDS: missing })).message).toContain(`NATS_CREDS: expected a readable file, got "${missing}"`);
  });

  it('outside production, accepts what docker-compose.yml sets, as before', () => {
    expect(load(composeEnv)).toMatchObject({ HOST: '0.0.0.0', NATS_URL: 'nats://nats:4222' });
    expect(load({ ...composeEnv, NODE_ENV: 'development' }).HOST).toBe('0.0.0.0');
  });

  it('in production (NODE_ENV=production or REVERIE_PRODUCTION=true), refuses naming each problem, never a secret', () => {
    const e = configError(() => load({ ...composeEnv, NODE_ENV: 'production' }));
    expect(e.message).toMatch(/^Refused in production \(NODE_ENV=production\):\n/);
    expect(e.problems.map((p) => p.variable)).toEqual(['REVERIE_API_KEYS', 'REVERIE_CONTENT_KEY', 'DATABASE_URL', 'DATABASE_URL', 'NATS_URL', 'NATS_USER', 'HOST']);
    expect(e.message).not.toContain('postgres:postgres');
    const f = configError(() => load({ ...composeEnv, REVERIE_PRODUCTION: 'true' }));
    expect(f.message).toMatch(/^Refused in production \(REVERIE_PRODUCTION=true\):/);
    expect(f.problems).toHaveLength(7);
    // The defaults (everything on this machine) pass, given a content master key of its own.
    expect(load({ NODE_ENV: 'production', REVERIE_CONTENT_KEY: Buffer.alloc(32, 5).toString('base64') }).HOST).toBe('127.0.0.1');
  });

  it('in production, accepts a configuration with its own keys, TLS and one interface', () => {
    const c = load({
      NODE_ENV: 'production',
      NATS_URL: 'nats://nats.internal:4222', NATS_TLS_CA: ca, NATS_USER: 'governance', NATS_PASSWORD: 'pOwnNatsPassword1',
      DATABASE_URL: 'postgres://reverie:Zx81-own-password@db.internal:5432/reverie?sslmode=verify-full',
      REVERIE_API_KEYS: 'k7Qx3vN9pL2mR8sT4wY6zA1bC5dE0fGh:acme:admin', REVERIE_CONTENT_KEY: Buffer.alloc(32, 5).toString('base64'),
      HOST: '0.0.0.0', REVERIE_ALLOW_PUBLIC_BIND: 'true',
    });
    expect(c).toMatchObject({ NATS_TLS_CA: ca, HOST: '0.0.0.0', REVERIE_ALLOW_PUBLIC_BIND: true });
  });

  it('leaves schemas that are not a service configuration alone', () => {
    const schema = z.object({ DATABASE_URL: z.string() });
    expect(loadConfig(schema, { NODE_ENV: 'production', DATABASE_URL: 'postgres://postgres:postgres@db/x' })).toEqual({ DATABASE_URL: 'postgres://postgres:postgres@db/x' });
  });
});

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
    });
    expect(loadConfig(commonConfigSchema('agent-serving'), {}).PORT).toBe(4104);
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

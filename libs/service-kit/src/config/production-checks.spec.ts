import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  DEVELOPMENT_API_KEYS, isLocalHost, isProductionMode, isWildcardHost, productionProblems, SAMPLE_DATABASE_PASSWORDS, type ProductionCheckInput,
} from './production-checks';

/** A production configuration that passes every check. */
const accepted: ProductionCheckInput = {
  REVERIE_API_KEYS: 'k7Qx3vN9pL2mR8sT4wY6zA1bC5dE0fGh:acme:admin',
  REVERIE_CONTENT_KEY: Buffer.alloc(32, 5).toString('base64'),
  DATABASE_URL: 'postgres://reverie:s3cret-Pw@db.internal:5432/reverie?sslmode=verify-full',
  NATS_URL: 'tls://nats.internal:4222',
  NATS_USER: 'governance',
  HOST: '10.0.3.7',
  REVERIE_ALLOW_PUBLIC_BIND: false,
};
const problems = (change: Partial<ProductionCheckInput>) => productionProblems({ ...accepted, ...change });
const variables = (change: Partial<ProductionCheckInput>) => problems(change).map((p) => p.variable);

describe('production checks', () => {
  it('refuse sealing session content under the development master key, or a master key of the wrong size', () => {
    expect(variables({ REVERIE_CONTENT_KEY: undefined })).toEqual(['REVERIE_CONTENT_KEY']);
    expect(problems({ REVERIE_CONTENT_KEY: 'c2hvcnQ=' })).toEqual([{ variable: 'REVERIE_CONTENT_KEY', message: expect.stringMatching(/32 random bytes/) }]);
  });

  it('accept a production configuration: own keys, TLS to NATS, a password and sslmode for a remote Postgres, one interface', () => {
    expect(productionProblems(accepted)).toEqual([]);
    // Also: everything on this machine, no keys at all, OIDC only.
    expect(productionProblems({
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/reverie', NATS_URL: 'nats://localhost:4222', HOST: '127.0.0.1', REVERIE_ALLOW_PUBLIC_BIND: false, REVERIE_CONTENT_KEY: accepted.REVERIE_CONTENT_KEY,
    })).toEqual([]);
    // Every interface, said explicitly.
    expect(problems({ HOST: '0.0.0.0', REVERIE_ALLOW_PUBLIC_BIND: true })).toEqual([]);
  });

  it('refuse a remote NATS without a user of its own (every service would be able to publish everywhere)', () => {
    expect(variables({ NATS_USER: undefined })).toEqual(['NATS_USER']);
    expect(variables({ NATS_USER: undefined, NATS_CREDS: '/run/secrets/governance.creds' })).toEqual([]);
    expect(variables({ NATS_USER: undefined, NATS_URL: 'nats://localhost:4222' })).toEqual([]);
  });

  it('refuse the development key of docker-compose.yml, naming the entry', () => {
    const found = problems({ REVERIE_API_KEYS: `k7Qx3vN9pL2mR8sT4wY6zA1bC5dE0fGh:acme:admin, reverie-local-dev-key:default:ingest+agent+reviewer+approver+admin` });
    expect(found).toEqual([{ variable: 'REVERIE_API_KEYS', message: expect.stringContaining('entry 2 of 2 is the public development key "reverie-local-dev-key"') }]);
    expect(variables({ REVERIE_API_KEYS: 'reverie-local-dev-key:default' })).toEqual(['REVERIE_API_KEYS']);
  });

  // docker-compose.yml now takes every secret from .env (e2e/deploy/compose-file.spec.ts): a default put back must be known here.
  it('know every key and Postgres password that docker-compose.yml gives as a default', () => {
    const compose = readFileSync(path.join(__dirname, '../../../../docker-compose.yml'), 'utf8');
    const defaultKeys = [...compose.matchAll(/REVERIE_API_KEYS:\s*\$\{REVERIE_API_KEYS:-([^}]*)\}/g)].flatMap((m) => m[1].split(',').map((e) => e.split(':')[0].trim()));
    for (const key of defaultKeys) expect(DEVELOPMENT_API_KEYS).toContain(key);
    const passwords = [
      ...[...compose.matchAll(/^\s*POSTGRES_PASSWORD:\s*"?([^"\s$][^"\s]*)"?/gm)].map((m) => m[1]),
      ...[...compose.matchAll(/DATABASE_URL:\s*postgres(?:ql)?:\/\/[^:@/\s]+:([^@\s$][^@\s]*)@/g)].map((m) => decodeURIComponent(m[1])),
    ];
    for (const password of passwords) expect(SAMPLE_DATABASE_PASSWORDS).toContain(password);
  });

  it("refuse docker-compose.yml's sample Postgres password, in the URL or in PGPASSWORD, on any host", () => {
    expect(problems({ DATABASE_URL: 'postgres://postgres:postgres@db.internal:5432/reverie?sslmode=require' })).toEqual([
      { variable: 'DATABASE_URL', message: expect.stringContaining("the password in the URL is docker-compose.yml's sample password") },
    ]);
    expect(variables({ DATABASE_URL: 'postgres://postgres:postgres@127.0.0.1:5432/reverie' })).toEqual(['DATABASE_URL']);
    expect(variables({ DATABASE_URL: 'postgres://reverie@db.internal/reverie?sslmode=require', PGPASSWORD: 'postgres' })).toEqual(['DATABASE_URL']);
    // The message never carries the password itself, whatever it is.
    for (const p of problems({ DATABASE_URL: 'postgres://reverie:postgres@db.internal/reverie' })) expect(p.message).not.toContain(':postgres@');
  });

  it('refuse a remote Postgres without a password, unless PGPASSWORD or a client certificate provides one', () => {
    expect(problems({ DATABASE_URL: 'postgres://reverie@db.internal:5432/reverie?sslmode=verify-full' })).toEqual([
      { variable: 'DATABASE_URL', message: expect.stringContaining('no password for Postgres at db.internal') },
    ]);
    expect(problems({ DATABASE_URL: 'postgres://reverie@db.internal/reverie?sslmode=verify-full', PGPASSWORD: 'an-own-password' })).toEqual([]);
    expect(problems({ DATABASE_URL: 'postgres://reverie@db.internal/reverie?sslmode=verify-full&sslcert=/etc/pg/client.crt&sslkey=/etc/pg/client.key' })).toEqual([]);
    // On this machine (TCP or a Unix socket) a password-less login is the operator's choice.
    expect(problems({ DATABASE_URL: 'postgres://reverie@localhost/reverie' })).toEqual([]);
    expect(problems({ DATABASE_URL: 'postgres://reverie@[::1]:5432/reverie' })).toEqual([]);
    expect(problems({ DATABASE_URL: 'postgres:///reverie?host=/var/run/postgresql' })).toEqual([]);
  });

  it('refuse a remote Postgres without sslmode=require, verify-ca or verify-full', () => {
    for (const url of ['postgres://reverie:pw@db.internal/reverie', 'postgres://reverie:pw@db.internal/reverie?sslmode=prefer', 'postgres://reverie:pw@10.0.0.5/reverie?sslmode=disable']) {
      expect(problems({ DATABASE_URL: url })).toEqual([{ variable: 'DATABASE_URL', message: expect.stringMatching(/is not on this machine and the connection is not encrypted: add sslmode=verify-full/) }]);
    }
    expect(problems({ DATABASE_URL: 'postgres://reverie:pw@db.internal/reverie?sslmode=prefer' })[0].message).toContain('(it has sslmode=prefer)');
    for (const mode of ['require', 'verify-ca', 'verify-full']) expect(problems({ DATABASE_URL: `postgres://reverie:pw@db.internal/reverie?sslmode=${mode}` })).toEqual([]);
    // The host may come from ?host=.
    expect(variables({ DATABASE_URL: 'postgres:///reverie?host=db.internal', PGPASSWORD: 'an-own-password' })).toEqual(['DATABASE_URL']);
    expect(variables({ DATABASE_URL: 'postgres:///reverie?host=db.internal&sslmode=require&password=postgres' })).toEqual(['DATABASE_URL']);
  });

  it('refuse a remote NATS over plain nats:// without TLS settings', () => {
    expect(problems({ NATS_URL: 'nats://nats.internal:4222' })).toEqual([
      { variable: 'NATS_URL', message: expect.stringContaining('NATS at nats.internal is not on this machine and the connection is not encrypted: use a tls:// URL, or set NATS_TLS_CA') },
    ]);
    expect(problems({ NATS_URL: 'nats://nats.internal:4222', NATS_TLS_CA: '/etc/nats/ca.pem' })).toEqual([]);
    expect(problems({ NATS_URL: 'nats://nats.internal:4222', NATS_TLS_CERT: '/etc/nats/c.pem', NATS_TLS_KEY: '/etc/nats/c.key' })).toEqual([]);
    expect(problems({ NATS_URL: 'nats://127.0.0.1:4222' })).toEqual([]);
  });

  it('refuse listening on every interface without REVERIE_ALLOW_PUBLIC_BIND=true', () => {
    for (const host of ['0.0.0.0', '::', '[::]', '0:0:0:0:0:0:0:0']) {
      expect(problems({ HOST: host })).toEqual([{ variable: 'HOST', message: expect.stringContaining('listens on every network interface') }]);
    }
    expect(problems({ HOST: '0.0.0.0' })[0].message).toContain('REVERIE_ALLOW_PUBLIC_BIND=true');
  });

  it('name every problem at once', () => {
    expect(productionProblems({
      REVERIE_API_KEYS: 'reverie-local-dev-key:default:ingest+agent+reviewer+approver+admin',
      DATABASE_URL: 'postgres://postgres:postgres@postgres:5432/reverie',
      NATS_URL: 'nats://nats:4222',
      HOST: '0.0.0.0',
      REVERIE_ALLOW_PUBLIC_BIND: false,
    }).map((p) => p.variable)).toEqual(['REVERIE_API_KEYS', 'REVERIE_CONTENT_KEY', 'DATABASE_URL', 'DATABASE_URL', 'NATS_URL', 'NATS_USER', 'HOST']);
  });

  it('know production mode, loopback and wildcard addresses', () => {
    expect(isProductionMode('production', false)).toBe(true);
    expect(isProductionMode(undefined, true)).toBe(true);
    expect(isProductionMode('development', false)).toBe(false);
    expect(isProductionMode('test', false)).toBe(false);
    for (const h of ['localhost', '127.0.0.1', '127.0.1.1', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', '', '/var/run/postgresql']) expect([h, isLocalHost(h)]).toEqual([h, true]);
    for (const h of ['db.internal', '10.0.0.1', '0.0.0.0', '::', 'localhost.example.com', '128.0.0.1']) expect([h, isLocalHost(h)]).toEqual([h, false]);
    for (const h of ['0.0.0.0', '::', '[::]', '0:0::0']) expect([h, isWildcardHost(h)]).toEqual([h, true]);
    for (const h of ['127.0.0.1', '10.0.3.7', '::1', 'localhost', 'example.com']) expect([h, isWildcardHost(h)]).toEqual([h, false]);
  });
});

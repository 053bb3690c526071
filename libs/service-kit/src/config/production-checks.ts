import { isIP } from 'node:net';
import type { ConfigProblem } from './config';

/**
 * Checks a service's configuration must pass in production (`NODE_ENV=production` or
 * `REVERIE_PRODUCTION=true`): no development credentials, no plaintext or password-less links to
 * NATS and Postgres off this machine, no listening on every interface by accident. Pure: the
 * caller passes what it read; every problem is named, none stops the others from being found.
 */

/** Operator keys that are published as defaults (docker-compose.yml's REVERIE_API_KEYS): anyone can present them. */
export const DEVELOPMENT_API_KEYS: readonly string[] = ['reverie-local-dev-key'];

/** Postgres passwords published as defaults (docker-compose.yml's POSTGRES_PASSWORD and DATABASE_URL). */
export const SAMPLE_DATABASE_PASSWORDS: readonly string[] = ['postgres'];

/** `sslmode` values that make node-postgres encrypt (and, with `pg`, verify) the connection. */
export const SECURE_PG_SSLMODES: readonly string[] = ['require', 'verify-ca', 'verify-full'];

export interface ProductionCheckInput {
  REVERIE_API_KEYS?: string;
  /** The master key of session content; without it content is sealed under a published development key. */
  REVERIE_CONTENT_KEY?: string;
  DATABASE_URL: string;
  NATS_URL: string;
  NATS_TLS_CA?: string;
  NATS_TLS_CERT?: string;
  NATS_TLS_KEY?: string;
  /** Who the service is on NATS (deploy/nats/nats-server.conf): a user and password, or a credentials file. */
  NATS_USER?: string;
  NATS_CREDS?: string;
  HOST: string;
  REVERIE_ALLOW_PUBLIC_BIND: boolean;
  /** node-postgres takes the password from PGPASSWORD when the URL has none. */
  PGPASSWORD?: string;
}

/** `NODE_ENV=production` or `REVERIE_PRODUCTION=true`. */
export function isProductionMode(nodeEnv: string | undefined, reverieProduction: boolean): boolean {
  return nodeEnv === 'production' || reverieProduction;
}

export function productionProblems(c: ProductionCheckInput): ConfigProblem[] {
  return [...apiKeyProblems(c.REVERIE_API_KEYS), ...contentKeyProblems(c.REVERIE_CONTENT_KEY), ...databaseProblems(c.DATABASE_URL, c.PGPASSWORD), ...natsProblems(c), ...bindProblems(c)];
}

function contentKeyProblems(key: string | undefined): ConfigProblem[] {
  if (!key) return [{ variable: 'REVERIE_CONTENT_KEY', message: 'not set: session content would be sealed under the published development key; set 32 random bytes in base64 (openssl rand -base64 32), the same for every service' }];
  if (Buffer.from(key, 'base64').length !== 32) return [{ variable: 'REVERIE_CONTENT_KEY', message: 'must be 32 random bytes in base64 (openssl rand -base64 32)' }];
  return [];
}

function apiKeyProblems(spec: string | undefined): ConfigProblem[] {
  if (!spec?.trim()) return [];
  const entries = spec.split(',').map((s) => s.trim());
  const problems: ConfigProblem[] = [];
  entries.forEach((entry, i) => {
    const key = entry.split(':')[0];
    if (DEVELOPMENT_API_KEYS.includes(key)) {
      problems.push({
        variable: 'REVERIE_API_KEYS',
        message: `entry ${i + 1} of ${entries.length} is the public development key "${key}" (docker-compose.yml's default); use a random key of your own (e.g. openssl rand -base64 32)`,
      });
    }
  });
  return problems;
}

function databaseProblems(databaseUrl: string, pgPassword: string | undefined): ConfigProblem[] {
  const url = new URL(databaseUrl);
  const params = url.searchParams;
  // node-postgres also reads the host from ?host= (a socket directory when it starts with /).
  const host = url.hostname || params.get('host') || '';
  const local = isLocalHost(host);
  const where = host ? `Postgres at ${host}` : 'Postgres';
  // Where node-postgres finds a password: the URL's, a ?password= parameter, else PGPASSWORD.
  const password = url.password ? decodeURIComponent(url.password) : params.get('password') || pgPassword || undefined;
  const problems: ConfigProblem[] = [];
  const problem = (message: string) => problems.push({ variable: 'DATABASE_URL', message });
  if (password !== undefined && SAMPLE_DATABASE_PASSWORDS.includes(password)) {
    problem(`the password ${url.password || params.get('password') ? 'in the URL' : 'in PGPASSWORD'} is docker-compose.yml's sample password; set a password of your own`);
  }
  if (!local && password === undefined && !params.get('sslcert')) {
    problem(`no password for ${where}: put one in the URL (postgres://user:password@host/db) or in PGPASSWORD, or authenticate with a client certificate (sslcert=…&sslkey=…)`);
  }
  if (!local && !SECURE_PG_SSLMODES.includes(params.get('sslmode') ?? '')) {
    const got = params.get('sslmode');
    problem(`${where} is not on this machine and the connection is not encrypted: add sslmode=verify-full (or require, verify-ca) to the URL${got ? ` (it has sslmode=${got})` : ''}`);
  }
  return problems;
}

function natsProblems(c: ProductionCheckInput): ConfigProblem[] {
  const url = new URL(c.NATS_URL);
  if (isLocalHost(url.hostname)) return [];
  const problems: ConfigProblem[] = [];
  if (!(url.protocol === 'tls:' || c.NATS_TLS_CA || c.NATS_TLS_CERT || c.NATS_TLS_KEY)) {
    problems.push({
      variable: 'NATS_URL',
      message: `NATS at ${url.hostname} is not on this machine and the connection is not encrypted: use a tls:// URL, or set NATS_TLS_CA (and NATS_TLS_CERT with NATS_TLS_KEY for a client certificate)`,
    });
  }
  // Without its own user a service could publish to every stream: one writer per stream needs it.
  if (!c.NATS_USER && !c.NATS_CREDS && !url.username) {
    problems.push({
      variable: 'NATS_USER',
      message: `NATS at ${url.hostname} is not on this machine and the service names no NATS user: set NATS_USER and NATS_PASSWORD (or NATS_CREDS) for this service's user of deploy/nats/nats-server.conf`,
    });
  }
  return problems;
}

function bindProblems(c: ProductionCheckInput): ConfigProblem[] {
  if (!isWildcardHost(c.HOST) || c.REVERIE_ALLOW_PUBLIC_BIND) return [];
  return [{
    variable: 'HOST',
    message: `${c.HOST} listens on every network interface; bind to one address (e.g. 127.0.0.1 behind a reverse proxy), or set REVERIE_ALLOW_PUBLIC_BIND=true if the service is meant to be reachable there`,
  }];
}

/** The host as the WHATWG URL parser writes it: `[::1]` for 0:0:0:0:0:0:0:1, `127.0.0.1` for 127.1, `[::ffff:7f00:1]` for ::ffff:127.0.0.1. */
function canonicalHost(host: string): string {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === '' || h.startsWith('/')) return h;
  try {
    return new URL(`http://${isIP(h) === 6 ? `[${h}]` : h}`).hostname;
  } catch {
    return h;
  }
}

/** localhost, 127.0.0.0/8, ::1 (also as ::ffff:127.x.x.x), or a Unix socket (an empty host or a path). */
export function isLocalHost(host: string): boolean {
  const h = canonicalHost(host);
  if (h === '' || h.startsWith('/')) return true;
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  return h === '[::1]' || h.startsWith('[::ffff:7f');
}

/** 0.0.0.0 or the IPv6 unspecified address (::, [::], 0:0:0:0:0:0:0:0): every interface. */
export function isWildcardHost(host: string): boolean {
  const h = canonicalHost(host);
  return h === '0.0.0.0' || h === '[::]';
}

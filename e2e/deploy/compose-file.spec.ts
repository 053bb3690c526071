/**
 * docker-compose.yml, read as Compose reads it: healthchecks everywhere, the start-up order, no
 * published NATS or Postgres, no secret written in the file, and the env file that supplies them.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_PORTS, SERVICE_NAMES } from '@reverie/contracts';
import { ENV_EXAMPLE, ENV_GENERATOR, interpolate, parseEnvFile, readCompose, ROOT, type ComposeService } from './compose-file';

const compose = readCompose();
const services = compose.services;
/** Containers that may run without a healthcheck, and why (the file says so next to each). */
const NO_HEALTHCHECK: Record<string, string> = {
  setup: 'a one-shot job: the services wait for it to complete',
  'otel-collector': 'no shell or HTTP client in the image',
  jaeger: 'no shell or HTTP client in the image',
};
/** Names of variables that hold a secret. */
const SECRET_NAME = /PASSWORD|SECRET|TOKEN|_KEY$|_KEYS$|CREDS/;

const envOf = (s: ComposeService) => Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, String(v)]));
const dependsOn = (s: ComposeService) => (Array.isArray(s.depends_on) ? Object.fromEntries(s.depends_on.map((d) => [d, { condition: 'service_started' }])) : s.depends_on ?? {});
const healthcheckScript = (service: string) => {
  const test = services[service].healthcheck?.test ?? [];
  expect(test.slice(0, 3)).toEqual(['CMD', 'node', '-e']);
  return test[3];
};

describe('docker-compose.yml', () => {
  it('has NATS, Postgres, the setup job and the four services', () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining(['nats', 'postgres', 'setup', ...SERVICE_NAMES]));
  });

  it('gives every container a healthcheck, but for the one-shot setup and images with nothing to run one', () => {
    for (const [name, s] of Object.entries(services)) {
      expect({ name, healthcheck: s.healthcheck }).toEqual({ name, healthcheck: expect.any(Object) });
      if (s.healthcheck?.disable) expect({ name, disabledBecause: NO_HEALTHCHECK[name] }).toEqual({ name, disabledBecause: expect.any(String) });
      else expect({ name, test: s.healthcheck?.test?.[0] }).toEqual({ name, test: expect.stringMatching(/^CMD(-SHELL)?$/) });
    }
    expect(services.setup.restart).toBe('no');
  });

  it('runs NATS with JetStream and monitoring, healthy when JetStream is (busybox wget)', () => {
    const command = services.nats.command ?? [];
    expect(command).toEqual(expect.arrayContaining(['-js', '-m']));
    expect(command[command.indexOf('-m') + 1]).toBe('8222');
    expect(services.nats.healthcheck?.test).toEqual(['CMD', 'wget', '-q', '-O', '/dev/null', 'http://localhost:8222/healthz?js-enabled-only=true']);
    expect(services.nats.image).toMatch(/^nats:\d+\.\d+\.\d+-alpine$/);
  });

  it('runs NATS with deploy/nats/nats-server.conf (one user per service) and gives each service its own user', () => {
    const command = services.nats.command ?? [];
    const conf = command[command.indexOf('-c') + 1];
    expect(services.nats.volumes).toContain(`./deploy/nats/nats-server.conf:${conf}:ro`);
    const users: Record<string, string> = { setup: 'admin', 'session-ingest': 'ingest', dreaming: 'dreaming', 'lesson-governance': 'governance', 'agent-serving': 'serving' };
    for (const [service, user] of Object.entries(users)) {
      const env = envOf(services[service]);
      expect({ service, user: env.NATS_USER }).toEqual({ service, user });
      expect({ service, password: env.NATS_PASSWORD }).toEqual({ service, password: expect.stringMatching(new RegExp(`^\\$\\{REVERIE_NATS_${user.toUpperCase()}_PASSWORD:\\?`)) });
    }
  });

  it('checks Postgres with pg_isready', () => {
    expect(services.postgres.healthcheck?.test?.join(' ')).toMatch(/pg_isready -U postgres/);
  });

  it('checks each service\'s readiness on its own port with the image\'s Node (global fetch)', () => {
    for (const service of SERVICE_NAMES) {
      expect({ service, script: healthcheckScript(service) }).toEqual({ service, script: expect.stringContaining(`fetch('http://127.0.0.1:${DEFAULT_PORTS[service]}/health/ready')`) });
      expect({ service, start_period: services[service].healthcheck?.start_period }).toEqual({ service, start_period: expect.any(String) });
    }
  });

  it('publishes no port of NATS or Postgres; only the services\' HTTP ports and the trace viewer, on 127.0.0.1', () => {
    expect(services.nats.ports).toBeUndefined();
    expect(services.postgres.ports).toBeUndefined();
    const published = Object.entries(services).filter(([, s]) => s.ports?.length).map(([name]) => name).sort();
    expect(published).toEqual([...SERVICE_NAMES, 'jaeger'].sort());
    for (const service of SERVICE_NAMES) {
      expect(services[service].ports).toEqual([expect.stringMatching(new RegExp(`^127\\.0\\.0\\.1:\\$\\{REVERIE_[A-Z]+_PORT:-${DEFAULT_PORTS[service]}\\}:${DEFAULT_PORTS[service]}$`))]);
    }
    expect(services.jaeger.ports).toEqual([expect.stringMatching(/^127\.0\.0\.1:\$\{REVERIE_TRACE_UI_PORT:-16686\}:16686$/)]);
  });

  it('starts setup once NATS and Postgres are healthy, and the services once setup has completed', () => {
    expect(dependsOn(services.setup)).toEqual({ nats: { condition: 'service_healthy' }, postgres: { condition: 'service_healthy' } });
    for (const service of SERVICE_NAMES) {
      expect({ service, dependsOn: dependsOn(services[service]) }).toEqual({ service, dependsOn: { setup: { condition: 'service_completed_successfully' } } });
    }
  });

  it('writes no secret: each comes from .env, required, without a default', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const [variable, value] of Object.entries(envOf(s))) {
        if (variable === 'ANTHROPIC_API_KEY') {
          expect(value).toBe('${ANTHROPIC_API_KEY:-}');
        } else if (SECRET_NAME.test(variable)) {
          expect({ name, variable, value }).toEqual({ name, variable, value: expect.stringMatching(/^\$\{[A-Z_]+:\?[^}]*\}$/) });
        }
        if (variable === 'DATABASE_URL') {
          const password = new URL(value.replace(/\$\{[^}]*\}/g, 'REF')).password;
          expect({ name, password }).toEqual({ name, password: 'REF' });
          expect(value).toMatch(/^postgres:\/\/postgres:\$\{POSTGRES_PASSWORD:\?[^}]*\}@postgres:5432\/reverie$/);
        }
      }
    }
    expect(readFileSync(path.join(ROOT, '.gitignore'), 'utf8').split('\n')).toContain('.env');
  });

  it('pins every image to a full version (Postgres numbers its releases major.minor)', () => {
    for (const [name, s] of Object.entries(services)) {
      const version = s.image?.startsWith('postgres:') ? /^postgres:\d+\.\d+-alpine$/ : /^[\w./-]+:v?\d+\.\d+\.\d+[\w.-]*$/;
      if (s.image) expect({ name, image: s.image }).toEqual({ name, image: expect.stringMatching(version) });
      else expect({ name, build: s.build }).toEqual({ name, build: { context: '.', dockerfile: 'deploy/Dockerfile' } });
    }
  });
});

describe('deploy/compose.env.example and deploy/compose-env.mjs', () => {
  const text = readFileSync(ENV_EXAMPLE, 'utf8');
  const required = new Set<string>();
  for (const s of Object.values(services)) {
    for (const value of Object.values(envOf(s))) for (const name of interpolate(value, {}).missing) required.add(name);
  }

  it('lists every variable the compose file requires, each empty (no sample secret committed)', () => {
    const example = parseEnvFile(text);
    expect(required.size).toBeGreaterThan(5);
    for (const name of required) expect({ name, value: example[name] }).toEqual({ name, value: '' });
  });

  it('generates an env file with which every required variable is set, and never overwrites one', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'reverie-compose-env-'));
    try {
      const file = path.join(dir, '.env');
      execFileSync(process.execPath, [ENV_GENERATOR, file], { stdio: 'pipe' });
      const env = parseEnvFile(readFileSync(file, 'utf8'));
      for (const s of Object.values(services)) {
        for (const value of [...Object.values(envOf(s)), ...(s.ports ?? [])]) expect(interpolate(value, env).missing).toEqual([]);
      }
      expect(Buffer.from(env.REVERIE_CONTENT_KEY, 'base64')).toHaveLength(32);
      expect(env.REVERIE_PSEUDONYM_KEY.length).toBeGreaterThanOrEqual(32);
      expect(env.REVERIE_API_KEYS).toMatch(/^[0-9a-f]{48}:default:ingest\+agent\+reviewer\+approver\+admin$/);
      for (const name of Object.keys(env).filter((n) => n.startsWith('REVERIE_NATS_'))) expect(env[name]).toMatch(/^[a-z][a-z0-9]{31,}$/);
      expect(env.POSTGRES_PASSWORD).toMatch(/^[0-9a-f]{48}$/);
      expect(env.ANTHROPIC_API_KEY).toBe('');
      expect(() => execFileSync(process.execPath, [ENV_GENERATOR, file], { stdio: 'pipe' })).toThrow(/not overwritten/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the services\' healthcheck command', () => {
  let status = 200;
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer((req, res) => res.writeHead(req.url === '/health/ready' ? status : 404).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const run = (script: string) => new Promise<number | null>((resolve) => {
    spawn(process.execPath, ['-e', script], { stdio: 'ignore' }).on('exit', (code) => resolve(code));
  });

  it('exits 0 when ready, 1 on 503 and 1 when nothing answers', async () => {
    const script = healthcheckScript('session-ingest');
    const here = script.replace(`:${DEFAULT_PORTS['session-ingest']}/`, `:${port}/`);
    status = 200;
    expect(await run(here)).toBe(0);
    status = 503;
    expect(await run(here)).toBe(1);
    server.closeAllConnections();
    const nobody = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const p = (probe.address() as AddressInfo).port;
        probe.close(() => resolve(p));
      });
    });
    expect(await run(script.replace(`:${DEFAULT_PORTS['session-ingest']}/`, `:${nobody}/`))).toBe(1);
  });
});

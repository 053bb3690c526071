/**
 * The compose stack for real, where a Docker engine answers: `docker compose up --wait` with a
 * generated env file and free host ports, every service ready, then `down -v`. Without an engine
 * (the docker client alone, as on the project's machines) it is skipped, saying why.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { SERVICE_NAMES, type ServiceName } from '@reverie/contracts';
import { COMPOSE_FILE, ENV_GENERATOR, ROOT } from './compose-file';

function dockerUnavailable(): string | undefined {
  const info = spawnSync('docker', ['info'], { stdio: 'pipe', timeout: 30_000 });
  if (info.error || info.status !== 0) return `no Docker engine answers (docker info: ${info.error?.message ?? (info.stderr.toString().trim().split('\n').pop() || `exit ${info.status}`)})`;
  const compose = spawnSync('docker', ['compose', 'version'], { stdio: 'pipe', timeout: 30_000 });
  if (compose.status !== 0) return 'the Docker engine answers but `docker compose` is not installed';
  return undefined;
}

const skipReason = dockerUnavailable();
if (skipReason) console.warn(`e2e/deploy/compose-stack.int.spec.ts skipped: ${skipReason}`);
const describeWithDocker = skipReason ? describe.skip : describe;

const PORT_VARIABLES: Record<ServiceName, string> = {
  'session-ingest': 'REVERIE_INGEST_PORT',
  dreaming: 'REVERIE_DREAMING_PORT',
  'lesson-governance': 'REVERIE_GOVERNANCE_PORT',
  'agent-serving': 'REVERIE_SERVING_PORT',
};

const freePort = () => new Promise<number>((resolve, reject) => {
  const probe = createServer().once('error', reject).listen(0, '127.0.0.1', () => {
    const { port } = probe.address() as AddressInfo;
    probe.close(() => resolve(port));
  });
});

describeWithDocker('docker compose up --wait (a Docker engine answers)', () => {
  const project = `reverie-compose-test-${process.pid}`;
  let dir: string;
  let envFile: string;
  const ports = {} as Record<ServiceName, number>;
  let env: NodeJS.ProcessEnv;
  const compose = (...args: string[]) =>
    execFileSync('docker', ['compose', '-p', project, '-f', COMPOSE_FILE, '--env-file', envFile, ...args], { cwd: ROOT, env, stdio: 'pipe', maxBuffer: 64 * 1024 * 1024 }).toString();

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'reverie-compose-'));
    envFile = path.join(dir, '.env');
    execFileSync(process.execPath, [ENV_GENERATOR, envFile]);
    env = { ...process.env, REVERIE_TRACE_UI_PORT: String(await freePort()) };
    for (const service of SERVICE_NAMES) {
      ports[service] = await freePort();
      env[PORT_VARIABLES[service]] = String(ports[service]);
    }
    compose('config', '--quiet');
    compose('up', '--build', '--detach', '--wait', '--wait-timeout', '600');
  }, 20 * 60_000);

  afterAll(() => {
    try {
      compose('down', '--volumes', '--remove-orphans');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 5 * 60_000);

  it('reports every container with a healthcheck healthy, and setup exited 0', () => {
    const containers = compose('ps', '--all', '--format', 'json').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as { Service: string; State: string; Health: string; ExitCode: number });
    const byService = Object.fromEntries(containers.map((c) => [c.Service, c]));
    for (const service of ['nats', 'postgres', ...SERVICE_NAMES]) expect({ service, health: byService[service]?.Health }).toEqual({ service, health: 'healthy' });
    expect(byService.setup).toMatchObject({ State: 'exited', ExitCode: 0 });
  });

  it('answers ready on every service\'s published port', async () => {
    for (const service of SERVICE_NAMES) {
      const res = await fetch(`http://127.0.0.1:${ports[service]}/health/ready`);
      expect({ service, status: res.status }).toEqual({ service, status: 200 });
      expect(((await res.json()) as { status: string }).status).toBe('ok');
    }
  });
});

if (skipReason) {
  describe('docker compose up --wait', () => {
    it.skip(`skipped: ${skipReason}`, () => undefined);
  });
}

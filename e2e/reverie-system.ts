import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { SERVICE_NAMES, type ServiceName } from '@reverie/contracts';
import { eventually, freePort, natsTestEnv, pgTestEnv, TEST_NATS_URL, type NatsTestEnv, type PgTestEnv } from '@reverie/testing';

const ROOT = path.resolve(__dirname, '..');
const run = promisify(execFile);

/** The four compiled services as real processes, in their own NATS namespace and database. */
export interface ReverieSystem {
  env: NodeJS.ProcessEnv;
  urls: Record<ServiceName, string>;
  nats: NatsTestEnv;
  cli(args: string[], extraEnv?: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }>;
  logs(): string;
  stop(): Promise<void>;
}

/**
 * `apiKeys` is the services' REVERIE_API_KEYS. The CLI presents no key unless a call gives it one
 * (`cli(args, { REVERIE_API_KEY })`) or a `reverie login` saved one: its profile lives in a
 * directory of this system's own (`XDG_CONFIG_HOME`), never the user's.
 */
export async function startSystem(apiKeys: string): Promise<ReverieSystem> {
  if (!existsSync(path.join(ROOT, 'dist/apps/cli/src/main.js'))) await run('node', ['tools/build.mjs'], { cwd: ROOT });
  // Streams come from `reverie setup` below; natsTestEnv only picks the namespace and cleans up.
  const nats: NatsTestEnv = await natsTestEnv({ consumers: [] });
  const pg: PgTestEnv = await pgTestEnv();
  const ports = Object.fromEntries(await Promise.all(SERVICE_NAMES.map(async (s) => [s, await freePort()]))) as Record<ServiceName, number>;
  const urls = Object.fromEntries(SERVICE_NAMES.map((s) => [s, `http://127.0.0.1:${ports[s]}`])) as Record<ServiceName, string>;
  const configHome = mkdtempSync(path.join(os.tmpdir(), 'reverie-e2e-config-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    XDG_CONFIG_HOME: configHome,
    NATS_URL: TEST_NATS_URL,
    DATABASE_URL: pg.url,
    REVERIE_NAMESPACE: nats.topology.namespace,
    REVERIE_API_KEYS: apiKeys,
    REVERIE_INGEST_URL: urls['session-ingest'],
    REVERIE_DREAMING_URL: urls.dreaming,
    REVERIE_GOVERNANCE_URL: urls['lesson-governance'],
    REVERIE_SERVING_URL: urls['agent-serving'],
    LOG_LEVEL: 'warn',
  };
  delete env.ANTHROPIC_API_KEY;
  delete env.REVERIE_API_KEY;

  const cli = (args: string[], extraEnv: NodeJS.ProcessEnv = {}) => new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = spawn('node', [path.join(ROOT, 'bin/reverie'), ...args], { env: { ...env, ...extraEnv }, cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });

  const setup = await cli(['setup', '--json']);
  if (setup.code !== 0) throw new Error(`reverie setup failed: ${setup.stderr}${setup.stdout}`);

  let output = '';
  const children: ChildProcess[] = SERVICE_NAMES.map((s) => {
    const child = spawn('node', [path.join(ROOT, `dist/apps/${s}/src/main.js`)], { env: { ...env, PORT: String(ports[s]) }, cwd: ROOT });
    child.stdout?.on('data', (d) => (output += `[${s}] ${d}`));
    child.stderr?.on('data', (d) => (output += `[${s}] ${d}`));
    return child;
  });
  const system: ReverieSystem = {
    env, urls, nats, cli,
    logs: () => output,
    async stop() {
      await Promise.all(children.map((c) => new Promise<void>((resolve) => {
        if (c.exitCode !== null) return resolve();
        c.once('exit', () => resolve());
        c.kill('SIGTERM');
      })));
      await nats.cleanup();
      await pg.cleanup();
      rmSync(configHome, { recursive: true, force: true });
    },
  };
  try {
    const exited = new Promise<never>((_, reject) => children.forEach((c, i) => c.once('exit', (code) => reject(new Error(`${SERVICE_NAMES[i]} exited with code ${code}`)))));
    await Promise.race([
      exited,
      eventually(async () => (await cli(['status', '--json'])).code === 0, { timeoutMs: 30000, intervalMs: 250, what: 'all services healthy' }),
    ]);
    exited.catch(() => undefined);
  } catch (err) {
    await system.stop();
    throw new Error(`${(err as Error).message}\n${output}`);
  }
  return system;
}

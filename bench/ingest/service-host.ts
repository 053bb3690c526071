import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { startIngestTestEnv } from '../../apps/session-ingest/src/testing/ingest-test-env';

/** session-ingest as the bench drives it: where to send, and the CPU time the service process used. */
export interface BenchService {
  url: string;
  key: string;
  namespace: string;
  /** pid of the service process (the bench's own pid when in-process). */
  pid: number;
  /** CPU seconds (user + system) the service process has used so far; undefined in-process (it is the bench's own). */
  cpuSeconds(): Promise<number | undefined>;
  /** Starts a CPU profile of the service process; `stop` writes it to `file`. */
  profile(): Promise<{ stop(file: string): Promise<void> }>;
  stop(): Promise<void>;
}

/** The service in this process (the bench's load generator shares its event loop and CPU). */
export async function inProcessService(maxBatchEvents: number): Promise<BenchService> {
  const env = await startIngestTestEnv({ tenants: ['bench'], env: { INGEST_MAX_BATCH_EVENTS: String(maxBatchEvents) } });
  return {
    url: env.url, key: env.keys.bench, namespace: env.nats.topology.namespace, pid: process.pid,
    cpuSeconds: async () => undefined,
    profile: () => Promise.reject(new Error('--profile needs the service in a child process (drop --in-process)')),
    stop: () => env.stop(),
  };
}

/** The service in a child process of its own (`service.child.js`), as it runs in production. */
export async function childProcessService(maxBatchEvents: number, execArgv: string[] = [], options: { sealContent?: boolean } = {}): Promise<BenchService> {
  const child = fork(path.join(__dirname, 'service.child.js'), [], {
    execArgv,
    env: { ...process.env, BENCH_MAX_BATCH_EVENTS: String(maxBatchEvents), BENCH_SEAL_CONTENT: String(options.sealContent ?? true) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = (type: string) => awaitMessage(child, type);
  const ready = (await next('ready')) as { url: string; key: string; namespace: string };
  const ask = async (msg: Record<string, unknown>, answer: string) => {
    const reply = next(answer);
    child.send(msg);
    return reply;
  };
  return {
    url: ready.url, key: ready.key, namespace: ready.namespace, pid: child.pid ?? -1,
    async cpuSeconds() {
      const { usage } = (await ask({ type: 'cpu' }, 'cpu')) as { usage: NodeJS.CpuUsage };
      return (usage.user + usage.system) / 1e6;
    },
    async profile() {
      await ask({ type: 'profile' }, 'profile');
      return { stop: async (file: string) => void (await ask({ type: 'profile-stop', file }, 'profile-stop')) };
    },
    async stop() {
      await ask({ type: 'stop' }, 'stopped');
    },
  };
}

function awaitMessage(child: ChildProcess, type: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: Record<string, unknown>) => {
      if (m?.type !== type) return;
      cleanup();
      resolve(m);
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`the bench service process exited (code ${code}) while the bench waited for '${type}'`));
    };
    const cleanup = () => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

import { Writable } from 'node:stream';
import { createLogger } from '../logging/logger';
import { KitTestModule } from '../testing/kit-test-app';
import { bootstrapService, type ShutdownHook } from './bootstrap-service';

const quietLogger = () => createLogger('dreaming', 'info', new Writable({ write: (_c, _e, done) => done() }));
const start = (onShutdown: ShutdownHook[], shutdownTimeoutMs?: number) =>
  bootstrapService({
    service: 'dreaming', module: KitTestModule, logger: quietLogger(), port: 0, host: '127.0.0.1',
    handleSignals: false, onShutdown, shutdownTimeoutMs,
  });

describe('graceful shutdown', () => {
  it('closes HTTP first, then runs the hooks in order', async () => {
    const seen: string[] = [];
    const service = await start([
      {
        name: 'nats-drain',
        run: async () => {
          const reachable = await fetch(`${service.url}/health`).then(() => true, () => false);
          seen.push(`drain (http reachable: ${reachable})`);
        },
      },
      { name: 'pg-close', run: async () => void seen.push('pg') },
    ]);
    expect((await fetch(`${service.url}/health`)).status).toBe(200);
    await expect(service.shutdown('test')).resolves.toBe(true);
    expect(seen).toEqual(['drain (http reachable: false)', 'pg']);
  });

  it('is idempotent', async () => {
    let runs = 0;
    const service = await start([{ name: 'count', run: async () => void runs++ }]);
    await Promise.all([service.shutdown(), service.shutdown()]);
    await service.shutdown();
    expect(runs).toBe(1);
  });

  it('runs the remaining hooks after one fails, and reports an unclean shutdown', async () => {
    const seen: string[] = [];
    const service = await start([
      { name: 'broken', run: async () => { throw new Error('drain failed'); } },
      { name: 'after', run: async () => void seen.push('after') },
    ]);
    await expect(service.shutdown()).resolves.toBe(false);
    expect(seen).toEqual(['after']);
  });

  it('gives up on a hook that never finishes, past the time limit', async () => {
    const service = await start([{ name: 'stuck', run: () => new Promise<void>(() => undefined) }], 100);
    await expect(service.shutdown()).resolves.toBe(false);
  });
});

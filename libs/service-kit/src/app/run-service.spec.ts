import { z } from 'zod';
import { commonConfigSchema, type CommonConfig } from '../config/common-config';
import { loadConfig } from '../config/config';
import type { ServiceHandle } from '../bootstrap/bootstrap-service';
import { runService, type ServiceProcess } from './run-service';
import type { CreateAppOptions } from './start-service-app';

const quietConfig = (): CommonConfig => loadConfig(commonConfigSchema('dreaming'), { LOG_LEVEL: 'silent' });

function fakeProcess(): ServiceProcess & { written: string[]; codes: number[] } {
  const written: string[] = [];
  const codes: number[] = [];
  return { written, codes, stderr: { write: (text) => written.push(text) }, exit: (code) => void codes.push(code) };
}

describe('runService', () => {
  it('prints a configuration error naming the service and the variable, exits 2 and starts nothing', async () => {
    const proc = fakeProcess();
    const createApp = jest.fn();
    await runService({
      service: 'dreaming',
      loadConfig: () => loadConfig(commonConfigSchema('dreaming').extend({ PORT: z.coerce.number().int() }), { PORT: 'eighty' }),
      createApp,
    }, proc);
    expect(proc.codes).toEqual([2]);
    expect(proc.written.join('')).toMatch(/^dreaming: Invalid configuration:\n {2}PORT: /);
    expect(createApp).not.toHaveBeenCalled();
  });

  it('throws an error of the configuration loader that is not a ConfigError', async () => {
    const proc = fakeProcess();
    const loadFails = () => { throw new TypeError('schema bug'); };
    await expect(runService({ service: 'dreaming', loadConfig: loadFails, createApp: jest.fn() }, proc)).rejects.toThrow('schema bug');
    expect(proc.codes).toEqual([]);
  });

  it('starts the app with the loaded config, a logger and a tracing shutdown hook', async () => {
    const proc = fakeProcess();
    const config = quietConfig();
    let received: { config: CommonConfig; options: CreateAppOptions } | undefined;
    await runService({
      service: 'dreaming',
      loadConfig: () => config,
      createApp: async (c, options) => {
        received = { config: c, options };
        return {} as ServiceHandle;
      },
    }, proc);
    expect(proc.codes).toEqual([]);
    expect(received?.config).toBe(config);
    expect(received?.options.logger?.bindings()).toEqual({ service: 'dreaming' });
    expect(received?.options.onShutdown?.map((h) => h.name)).toEqual(['tracing']);
    await expect(received?.options.onShutdown?.[0].run()).resolves.toBeUndefined();
  });

  it('exits 1 when the app fails to start', async () => {
    const proc = fakeProcess();
    await runService({
      service: 'dreaming',
      loadConfig: quietConfig,
      createApp: async () => { throw new Error('cannot connect to NATS'); },
    }, proc);
    expect(proc.codes).toEqual([1]);
  });
});

import type { ServiceName } from '@reverie/contracts';
import type { ServiceHandle } from '../bootstrap/bootstrap-service';
import type { CommonConfig } from '../config/common-config';
import { ConfigError } from '../config/config';
import { createLogger } from '../logging/logger';
import { startTracing } from '../tracing/tracing';
import type { CreateAppOptions } from './start-service-app';

export interface RunServiceOptions<C extends CommonConfig> {
  service: ServiceName;
  /** Reads the environment; throws ConfigError naming every bad variable. */
  loadConfig: () => C;
  createApp: (config: C, options: CreateAppOptions) => Promise<ServiceHandle>;
}

/** The process around a service; tests replace it. */
export interface ServiceProcess {
  stderr: { write(text: string): unknown };
  exit(code: number): void;
}

const realProcess: ServiceProcess = { stderr: process.stderr, exit: (code) => process.exit(code) };

/**
 * A service's main: loads the configuration (a ConfigError is printed and exits 2), starts
 * tracing and the logger, then the app, whose shutdown flushes the traces. A failed start is
 * logged as fatal and exits 1. Any other error while loading the configuration is thrown.
 */
export async function runService<C extends CommonConfig>(options: RunServiceOptions<C>, proc: ServiceProcess = realProcess): Promise<void> {
  const { service } = options;
  let config: C;
  try {
    config = options.loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      proc.stderr.write(`${service}: ${err.message}\n`);
      return proc.exit(2);
    }
    throw err;
  }
  const tracing = startTracing(service, { endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT });
  const logger = createLogger(service, config.LOG_LEVEL);
  try {
    await options.createApp(config, { logger, onShutdown: [{ name: 'tracing', run: () => tracing.shutdown() }] });
  } catch (err) {
    logger.fatal({ err }, `${service} failed to start: ${(err as Error).message}`);
    await tracing.shutdown();
    proc.exit(1);
  }
}

import type { Type } from '@nestjs/common';
import type { ServiceName } from '@reverie/contracts';
import { bootstrapService, type BootstrapOptions, type ServiceHandle, type ShutdownHook } from '../bootstrap/bootstrap-service';
import type { CommonConfig } from '../config/common-config';
import { createLogger, type Logger } from '../logging/logger';
import { systemClock, type Clock } from './service.tokens';

/** What main.ts and the tests pass to a service's `createApp(config, options)`. */
export interface CreateAppOptions {
  /** Default: a logger for the service at LOG_LEVEL. */
  logger?: Logger;
  /** Default: the system clock. */
  clock?: Clock;
  /** Handle SIGTERM/SIGINT (main.ts); tests pass false and call `shutdown()`. Default true. */
  handleSignals?: boolean;
  onShutdown?: ShutdownHook[];
}

export interface StartServiceAppOptions extends CreateAppOptions {
  service: ServiceName;
  config: CommonConfig;
  /** The service's module tree, built once the logger and clock are settled. */
  module: (context: { logger: Logger; clock: Clock }) => Type<unknown>;
  /** Fastify plugins of the service's own, registered before its routes. */
  plugins?: BootstrapOptions['plugins'];
  /** Default 1 MiB. */
  bodyLimit?: number;
}

/** Starts a service listening on HOST:PORT (port 0 picks a free one). */
export async function startServiceApp(options: StartServiceAppOptions): Promise<ServiceHandle> {
  const { service, config } = options;
  const logger = options.logger ?? createLogger(service, config.LOG_LEVEL);
  return bootstrapService({
    service,
    module: options.module({ logger, clock: options.clock ?? systemClock }),
    logger,
    port: config.PORT,
    host: config.HOST,
    bodyLimit: options.bodyLimit,
    rateLimitPerMinute: config.REVERIE_RATE_LIMIT_PER_MINUTE,
    corsOrigins: config.REVERIE_CONSOLE_ORIGINS,
    plugins: options.plugins,
    handleSignals: options.handleSignals ?? true,
    onShutdown: options.onShutdown,
  });
}

import type { Type } from '@nestjs/common';
import { serviceAppModule, startServiceApp, type Clock, type CreateAppOptions, type Logger, type ServiceHandle } from '@reverie/service-kit';
import { SERVING_CONFIG } from './app.tokens';
import { SERVICE, type ServingConfig } from './config/serving.config';
import { LessonsModule } from './lessons/lessons.module';
import { ForensicsModule } from './forensics/forensics.module';

export type { CreateAppOptions };

/** The module tree of the service for one configuration. */
export function servingAppModule(config: ServingConfig, logger: Logger, clock: Clock): Type<unknown> {
  return serviceAppModule({ service: SERVICE, config, configToken: SERVING_CONFIG, logger, clock, imports: [LessonsModule, ForensicsModule] });
}

/**
 * Starts agent-serving listening on HOST:PORT (port 0 picks a free one): used by main.ts, the
 * integration tests and the benchmarks alike.
 */
export function createApp(config: ServingConfig, options: CreateAppOptions = {}): Promise<ServiceHandle> {
  return startServiceApp({
    ...options, service: SERVICE, config,
    module: ({ logger, clock }) => servingAppModule(config, logger, clock),
  });
}

import type { Type } from '@nestjs/common';
import { serviceAppModule, startServiceApp, type Clock, type CreateAppOptions, type Logger, type ServiceHandle } from '@reverie/service-kit';
import { AdminModule } from './admin/admin.module';
import { GOVERNANCE_CONFIG } from './app.tokens';
import { SERVICE, type GovernanceConfig } from './config/governance.config';
import { DreamsModule } from './dreams/dreams.module';
import { LessonsModule } from './lessons/lessons.module';
import { PolicyModule } from './policy/policy.module';
import { RevocationsModule } from './revocations/revocations.module';
import { consolePlugin } from './console/console.plugin';

export type { CreateAppOptions };

/** The module tree of the service for one configuration. */
export function governanceAppModule(config: GovernanceConfig, logger: Logger, clock: Clock): Type<unknown> {
  return serviceAppModule({
    service: SERVICE, config, configToken: GOVERNANCE_CONFIG, logger, clock, imports: [PolicyModule, LessonsModule, DreamsModule, AdminModule, RevocationsModule],
  });
}

/**
 * Starts lesson-governance listening on HOST:PORT (port 0 picks a free one): used by main.ts, the
 * integration tests and the benchmarks alike.
 */
export function createApp(config: GovernanceConfig, options: CreateAppOptions = {}): Promise<ServiceHandle> {
  return startServiceApp({
    ...options, service: SERVICE, config,
    module: ({ logger, clock }) => governanceAppModule(config, logger, clock),
    plugins: [consolePlugin(config.REVERIE_CONSOLE_DIR)],
  });
}

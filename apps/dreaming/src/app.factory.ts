import { Global, Inject, Injectable, Module, type Type } from '@nestjs/common';
import type { NatsConnection } from 'nats';
import type { DataSource } from 'typeorm';
import type { LessonWriter } from '@reverie/contracts';
import { templateWriter } from '@reverie/dreaming-domain';
import { consumerSpecsOf } from '@reverie/event-store';
import {
  bootstrapService, createLogger, DATA_SOURCE, HealthModule, infrastructureChecks, InfrastructureModule, NATS_CONNECTION,
  type Logger, type ServiceHandle, type ShutdownHook,
} from '@reverie/service-kit';
import { createLessonWriter } from '@reverie/synthesis';
import { CLOCK, LESSON_WRITER, LOGGER, type Clock } from './app.tokens';
import { DREAMING_CONFIG, type DreamingConfig } from './config/dreaming.config';
import { SERVICE } from './consumers/dreaming-consumers.service';
import { DreamsModule } from './dreams/dreams.module';

export interface CreateAppOptions {
  logger?: Logger;
  clock?: Clock;
  /** Handle SIGTERM/SIGINT (main.ts); tests pass false and call `shutdown()`. Default true. */
  handleSignals?: boolean;
  onShutdown?: ShutdownHook[];
  /** Replaces the writer chosen from the configuration (template, or Claude with ANTHROPIC_API_KEY). */
  writer?: LessonWriter;
}

/** The module tree of the service for one configuration. */
export function dreamingAppModule(config: DreamingConfig, logger: Logger, clock: Clock, writer: LessonWriter): Type<unknown> {
  // The health options are a value, created before Nest has the connections: a holder bridges them.
  const connections: { nc?: NatsConnection; ds?: DataSource } = {};

  @Injectable()
  class HealthConnections {
    constructor(@Inject(NATS_CONNECTION) nc: NatsConnection, @Inject(DATA_SOURCE) ds: DataSource) {
      connections.nc = nc;
      connections.ds = ds;
    }
  }

  @Global()
  @Module({
    providers: [
      { provide: DREAMING_CONFIG, useValue: config },
      { provide: LOGGER, useValue: logger },
      { provide: CLOCK, useValue: clock },
      { provide: LESSON_WRITER, useValue: writer },
      HealthConnections,
    ],
    exports: [DREAMING_CONFIG, LOGGER, CLOCK, LESSON_WRITER],
  })
  class DreamingCoreModule {}

  @Module({
    imports: [
      InfrastructureModule.forRoot({
        service: SERVICE,
        natsUrl: config.NATS_URL,
        databaseUrl: config.DATABASE_URL,
        namespace: config.REVERIE_NAMESPACE,
        consumers: consumerSpecsOf(SERVICE),
      }),
      DreamingCoreModule,
      HealthModule.forRoot({
        service: SERVICE,
        checks: async () =>
          connections.nc && connections.ds
            ? infrastructureChecks(connections.nc, connections.ds)
            : { startup: { status: 'down', detail: 'connections not ready' } },
      }),
      DreamsModule,
    ],
  })
  class DreamingAppModule {}

  return DreamingAppModule;
}

/**
 * Starts the dreaming service listening on HOST:PORT (port 0 picks a free one): used by main.ts
 * and the integration tests alike. The lesson writer is the template writer unless
 * ANTHROPIC_API_KEY is set (then Claude, falling back to the template).
 */
export async function createApp(config: DreamingConfig, options: CreateAppOptions = {}): Promise<ServiceHandle> {
  const logger = options.logger ?? createLogger(SERVICE, config.LOG_LEVEL);
  const writer = options.writer ?? createLessonWriter(config, templateWriter, {
    logger: (msg, fields) => logger.info(fields, msg),
  });
  return bootstrapService({
    service: SERVICE,
    module: dreamingAppModule(config, logger, options.clock ?? (() => new Date()), writer),
    logger,
    port: config.PORT,
    host: config.HOST,
    handleSignals: options.handleSignals ?? true,
    onShutdown: options.onShutdown,
  });
}

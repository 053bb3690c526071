import { Global, Inject, Injectable, Module, type Type } from '@nestjs/common';
import type { NatsConnection } from 'nats';
import type { DataSource } from 'typeorm';
import { consumerSpecsOf } from '@reverie/event-store';
import {
  bootstrapService, createLogger, DATA_SOURCE, HealthModule, infrastructureChecks, InfrastructureModule, NATS_CONNECTION,
  type Logger, type ServiceHandle, type ShutdownHook,
} from '@reverie/service-kit';
import { CLOCK, INGEST_CONFIG, LOGGER, type Clock } from './app.tokens';
import { SERVICE, type IngestConfig } from './config/ingest.config';
import { HttpEdgeInstaller } from './http/http-edge.installer';
import { IngestModule } from './ingest/ingest.module';
import { SessionsModule } from './sessions/sessions.module';

export interface CreateAppOptions {
  logger?: Logger;
  clock?: Clock;
  /** Handle SIGTERM/SIGINT (main.ts); tests pass false and call `shutdown()`. Default true. */
  handleSignals?: boolean;
  onShutdown?: ShutdownHook[];
}

/** The module tree of the service for one configuration. */
export function ingestAppModule(config: IngestConfig, logger: Logger, clock: Clock): Type<unknown> {
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
      { provide: INGEST_CONFIG, useValue: config },
      { provide: LOGGER, useValue: logger },
      { provide: CLOCK, useValue: clock },
      HealthConnections,
      HttpEdgeInstaller,
    ],
    exports: [INGEST_CONFIG, LOGGER, CLOCK],
  })
  class IngestCoreModule {}

  @Module({
    imports: [
      InfrastructureModule.forRoot({
        service: SERVICE,
        natsUrl: config.NATS_URL,
        databaseUrl: config.DATABASE_URL,
        namespace: config.REVERIE_NAMESPACE,
        consumers: consumerSpecsOf(SERVICE),
      }),
      IngestCoreModule,
      HealthModule.forRoot({
        service: SERVICE,
        checks: async () =>
          connections.nc && connections.ds
            ? infrastructureChecks(connections.nc, connections.ds)
            : { startup: { status: 'down', detail: 'connections not ready' } },
      }),
      IngestModule,
      SessionsModule,
    ],
  })
  class SessionIngestAppModule {}

  return SessionIngestAppModule;
}

/**
 * Starts session-ingest listening on HOST:PORT (port 0 picks a free one): used by main.ts, the
 * integration tests and the benchmark alike.
 */
export async function createApp(config: IngestConfig, options: CreateAppOptions = {}): Promise<ServiceHandle> {
  const logger = options.logger ?? createLogger(SERVICE, config.LOG_LEVEL);
  return bootstrapService({
    service: SERVICE,
    module: ingestAppModule(config, logger, options.clock ?? (() => new Date())),
    logger,
    port: config.PORT,
    host: config.HOST,
    bodyLimit: config.INGEST_MAX_BODY_BYTES,
    handleSignals: options.handleSignals ?? true,
    onShutdown: options.onShutdown,
  });
}

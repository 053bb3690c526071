import { ErasureModule } from './erasure/erasure.module';
import type { Type } from '@nestjs/common';
import { serviceAppModule, startServiceApp, type Clock, type CreateAppOptions, type Logger, type ServiceHandle } from '@reverie/service-kit';
import { INGEST_CONFIG } from './app.tokens';
import { SERVICE, type IngestConfig } from './config/ingest.config';
import { HttpEdgeInstaller } from './http/http-edge.installer';
import { IdentityModule } from './identity/identity.module';
import { IngestModule } from './ingest/ingest.module';
import { SessionsModule } from './sessions/sessions.module';

export type { CreateAppOptions };

/** The module tree of the service for one configuration. */
export function ingestAppModule(config: IngestConfig, logger: Logger, clock: Clock): Type<unknown> {
  return serviceAppModule({
    service: SERVICE, config, configToken: INGEST_CONFIG, logger, clock,
    providers: [HttpEdgeInstaller],
    imports: [IngestModule, SessionsModule, IdentityModule, ErasureModule],
  });
}

/**
 * Starts session-ingest listening on HOST:PORT (port 0 picks a free one): used by main.ts, the
 * integration tests and the benchmark alike.
 */
export function createApp(config: IngestConfig, options: CreateAppOptions = {}): Promise<ServiceHandle> {
  return startServiceApp({
    ...options, service: SERVICE, config, bodyLimit: config.INGEST_MAX_BODY_BYTES,
    module: ({ logger, clock }) => ingestAppModule(config, logger, clock),
  });
}

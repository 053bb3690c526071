import { hostname } from 'node:os';
import { Global, Inject, Injectable, Module, type DynamicModule, type ForwardReference, type InjectionToken, type Provider, type Type } from '@nestjs/common';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { DataSource } from 'typeorm';
import { topology, type ServiceName } from '@reverie/contracts';
import { consumerSpecsOf, type ConsumerSpec } from '@reverie/event-store';
import type { CommonConfig } from '../config/common-config';
import { consumersCheck } from '../health/consumers-check';
import { METRICS, ServiceMetrics } from '../metrics/service-metrics';
import { HealthModule } from '../health/health.module';
import { ApiDocsModule } from '../openapi/api-docs.module';
import type { HealthCheckResult } from '../health/health.options';
import { ManagedConsumers } from '../infrastructure/managed-consumers';
import { infrastructureChecks, InfrastructureModule } from '../infrastructure/infrastructure.module';
import { DATA_SOURCE, NATS_CONNECTION } from '../infrastructure/infrastructure.tokens';
import type { Logger } from '../logging/logger';
import { CLOCK, LOGGER, type Clock } from './service.tokens';
import { API_KEY_STORE, authProviders } from '../auth/auth.providers';
import { AUTHENTICATOR } from '../auth/policy';
import type { CredentialVerifier } from '../auth/principal';

export type ModuleImport = Type<unknown> | DynamicModule | Promise<DynamicModule> | ForwardReference;

export interface ServiceAppModuleOptions {
  service: ServiceName;
  config: CommonConfig;
  /** The whole configuration is provided to every module under this token. */
  configToken: symbol;
  logger: Logger;
  clock: Clock;
  /** The service's feature modules. */
  imports: ModuleImport[];
  /** More providers for every module (e.g. a lesson writer); each is exported. */
  providers?: Provider[];
  /** Durable consumers checked at start-up. Default: the ones declared for `service`. */
  consumers?: ConsumerSpec[];
  /** Credential verifiers beyond API keys (OIDC). */
  verifiers?: CredentialVerifier[];
}

/**
 * The module tree of a service: InfrastructureModule (NATS, event store, Postgres), a global core
 * module with the configuration, LOGGER, CLOCK and `providers`, `GET /health` reporting both
 * connections, the API document and Swagger UI (`GET /openapi.json`, `/docs`), then the feature modules.
 */
export function serviceAppModule(options: ServiceAppModuleOptions): Type<unknown> {
  const { service, config, configToken, logger, clock, providers = [] } = options;
  // The health options are a value, created before Nest has the connections: a holder bridges them.
  const connections: { nc?: NatsConnection; ds?: DataSource; consumers?: ManagedConsumers } = {};
  const metrics = new ServiceMetrics(service);
  // Read at scrape time: each consumer loop's state, lag and restarts; the dead-letter stream's depth.
  metrics.gauge('reverie_consumer_lag_messages', 'Messages waiting for a durable consumer', ['consumer'], async (g) => {
    g.reset();
    for (const s of await connections.consumers?.status() ?? []) if (s.lag !== undefined) g.set({ consumer: s.name }, s.lag);
  });
  metrics.gauge('reverie_consumer_redelivered_messages', 'Messages a durable consumer delivered again (ack wait passed, or handed back) and not yet acked', ['consumer'], async (g) => {
    g.reset();
    for (const s of await connections.consumers?.status() ?? []) if (s.redelivered !== undefined) g.set({ consumer: s.name }, s.redelivered);
  });
  metrics.gauge('reverie_consumer_up', '1 while a consumer loop runs, 0 while it is restarting', ['consumer'], async (g) => {
    g.reset();
    for (const s of await connections.consumers?.status() ?? []) g.set({ consumer: s.name }, s.state === 'running' ? 1 : 0);
  });
  metrics.gauge('reverie_consumer_restarts', 'Times a consumer loop was restarted since the service started', ['consumer'], async (g) => {
    g.reset();
    for (const s of await connections.consumers?.status() ?? []) g.set({ consumer: s.name }, s.restarts);
  });
  metrics.gauge('reverie_deadletter_messages', 'Messages in DEADLETTER (all consumers)', [], async (g) => {
    if (!connections.nc || connections.nc.isClosed()) return;
    const t = topology(config.REVERIE_NAMESPACE);
    const info = await (await jetstreamManager(connections.nc)).streams.info(t.streamName('deadletter')).catch(() => undefined);
    if (info) g.set(info.state.messages);
  });

  @Injectable()
  class HealthConnections {
    constructor(@Inject(NATS_CONNECTION) nc: NatsConnection, @Inject(DATA_SOURCE) ds: DataSource, @Inject(ManagedConsumers) consumers: ManagedConsumers) {
      connections.nc = nc;
      connections.ds = ds;
      connections.consumers = consumers;
    }
  }

  @Global()
  @Module({
    providers: [
      { provide: configToken, useValue: config },
      { provide: LOGGER, useValue: logger },
      { provide: CLOCK, useValue: clock },
      { provide: METRICS, useValue: metrics },
      ...providers,
      ...authProviders(config, options.verifiers),
      HealthConnections,
    ],
    exports: [configToken, LOGGER, CLOCK, METRICS, AUTHENTICATOR, API_KEY_STORE, ...providers.map(tokenOf)],
  })
  class ServiceCoreModule {}

  @Module({
    imports: [
      InfrastructureModule.forRoot({
        service,
        natsUrl: config.NATS_URL,
        natsTls: { caFile: config.NATS_TLS_CA, certFile: config.NATS_TLS_CERT, keyFile: config.NATS_TLS_KEY },
        natsAuth: { user: config.NATS_USER, pass: config.NATS_PASSWORD, credsFile: config.NATS_CREDS },
        databaseUrl: config.DATABASE_URL,
        namespace: config.REVERIE_NAMESPACE,
        consumers: options.consumers ?? consumerSpecsOf(service, config.REVERIE_SESSION_PARTITIONS),
        sessionPartitions: config.REVERIE_SESSION_PARTITIONS,
        contentKey: config.REVERIE_CONTENT_KEY,
        lease: { owner: config.REVERIE_REPLICA_ID ?? hostname(), ttlMs: config.REVERIE_PROJECTION_LEASE_SECONDS * 1000 },
        logger,
      }),
      ServiceCoreModule,
      HealthModule.forRoot({
        service,
        checks: async (): Promise<Record<string, HealthCheckResult>> => {
          if (!connections.nc || !connections.ds) return { startup: { status: 'down', detail: 'connections not ready' } };
          const checks: Record<string, HealthCheckResult> = await infrastructureChecks(connections.nc, connections.ds);
          if (connections.consumers) checks.consumers = consumersCheck(await connections.consumers.status(), config.REVERIE_READY_MAX_LAG);
          return checks;
        },
      }),
      ApiDocsModule.forRoot({ service }),
      ...options.imports,
    ],
  })
  class ServiceAppModule {}

  return ServiceAppModule;
}

function tokenOf(provider: Provider): InjectionToken {
  return typeof provider === 'function' ? provider : provider.provide;
}

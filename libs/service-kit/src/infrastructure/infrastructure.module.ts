import { Inject, Module, type BeforeApplicationShutdown, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { connect, type NatsConnection } from 'nats';
import type { DataSource } from 'typeorm';
import { topology, type Topology } from '@reverie/contracts';
import { assertProvisioned, EventStore, type ConsumerSpec } from '@reverie/event-store';
import { connectMigrated } from '@reverie/persistence';
import { DATA_SOURCE, EVENT_STORE, NATS_CONNECTION, TOPOLOGY } from './infrastructure.tokens';
import { ManagedConsumers } from './managed-consumers';
import { ProjectionRunners } from './projection-runners';

export interface InfrastructureOptions {
  service: string;
  natsUrl: string;
  databaseUrl: string;
  namespace: string;
  /** Durable consumers this service binds to; start-up fails, naming them, if `reverie setup` has not created them. */
  consumers: ConsumerSpec[];
  poolSize?: number;
}

class InfrastructureLifecycle implements BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(
    @Inject(ManagedConsumers) private readonly consumers: ManagedConsumers,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
  ) {}

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumers.stopAll();
  }

  async onApplicationShutdown(): Promise<void> {
    // Drain: finish in-flight publishes and deliveries, then close.
    await this.nc.drain().catch(() => undefined);
    await this.ds.destroy().catch(() => undefined);
  }
}

/** NATS, the event store and the Postgres data source, checked at start-up and closed in order on shutdown. */
@Module({})
export class InfrastructureModule {
  static forRoot(options: InfrastructureOptions): DynamicModule {
    return {
      module: InfrastructureModule,
      global: true,
      providers: [
        { provide: TOPOLOGY, useValue: topology(options.namespace) },
        {
          provide: NATS_CONNECTION,
          inject: [TOPOLOGY],
          useFactory: async (t: Topology) => {
            // noAsyncTraces: no stack capture per request; a JetStream publish is a request, and the capture cost ~10% of ingest CPU.
            const nc = await connect({ servers: options.natsUrl, name: options.service, maxReconnectAttempts: -1, noAsyncTraces: true }).catch((err: Error) => {
              throw new Error(`cannot connect to NATS at ${options.natsUrl} (NATS_URL): ${err.message}`);
            });
            await assertProvisioned(nc, t, options.consumers).catch(async (err) => {
              await nc.close();
              throw err;
            });
            return nc;
          },
        },
        { provide: EVENT_STORE, inject: [NATS_CONNECTION, TOPOLOGY], useFactory: (nc: NatsConnection, t: Topology) => new EventStore(nc, t) },
        {
          provide: DATA_SOURCE,
          useFactory: () => connectMigrated(options.databaseUrl, options.poolSize).catch((err: Error) => {
            throw new Error(`cannot use Postgres at ${redactUrl(options.databaseUrl)} (DATABASE_URL): ${err.message}`);
          }),
        },
        ManagedConsumers,
        {
          provide: ProjectionRunners,
          inject: [EVENT_STORE, DATA_SOURCE, TOPOLOGY, ManagedConsumers],
          useFactory: (store: EventStore, dataSource: DataSource, t: Topology, managed: ManagedConsumers) =>
            new ProjectionRunners({ service: options.service, store, dataSource, topology: t, managed }),
        },
        InfrastructureLifecycle,
      ],
      exports: [TOPOLOGY, NATS_CONNECTION, EVENT_STORE, DATA_SOURCE, ManagedConsumers, ProjectionRunners],
    };
  }
}

/** Health checks for the two connections, in the shape the health module expects. */
export async function infrastructureChecks(nc: NatsConnection, ds: DataSource): Promise<Record<string, { status: 'ok' | 'down'; detail?: string }>> {
  const nats = nc.isClosed() ? { status: 'down' as const, detail: 'connection closed' } : await nc.flush().then(() => ({ status: 'ok' as const }), (e: Error) => ({ status: 'down' as const, detail: e.message }));
  const postgres = await ds.query('SELECT 1').then(() => ({ status: 'ok' as const }), (e: Error) => ({ status: 'down' as const, detail: e.message }));
  return { nats, postgres };
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<invalid url>';
  }
}

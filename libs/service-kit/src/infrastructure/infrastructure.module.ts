import { Inject, Module, type BeforeApplicationShutdown, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { connect, type NatsConnection, type TlsOptions } from 'nats';
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
  /** NATS_TLS_CA, NATS_TLS_CERT, NATS_TLS_KEY: files for the TLS connection to NATS. */
  natsTls?: NatsTlsFiles;
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
            const tls = natsTlsOptions(options.natsUrl, options.natsTls);
            const nc = await connect({ servers: options.natsUrl, name: options.service, maxReconnectAttempts: -1, noAsyncTraces: true, ...(tls && { tls }) }).catch((err: Error) => {
              // nats.js says only "tls" when TLS is required and the server does not offer it.
              const why = tls && err.message === 'tls' ? 'the server does not offer TLS, which a tls:// URL or NATS_TLS_* require' : err.message;
              throw new Error(`cannot connect to NATS at ${options.natsUrl} (NATS_URL): ${why}`);
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

export interface NatsTlsFiles {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
}

/**
 * The `tls` option of the NATS connection: set (so the client refuses a server that does not
 * offer TLS, rather than falling back to plaintext) for a tls:// URL or when any TLS file is
 * configured; unset otherwise. nats.js reads the files itself when it connects.
 */
export function natsTlsOptions(natsUrl: string, files: NatsTlsFiles = {}): TlsOptions | undefined {
  const given = Object.fromEntries(Object.entries(files).filter(([, v]) => v)) as NatsTlsFiles;
  const tlsUrl = natsUrl.trim().toLowerCase().startsWith('tls://');
  return tlsUrl || Object.keys(given).length ? given : undefined;
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

import { Inject, Module, type BeforeApplicationShutdown, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { AuthorizationError, connect, credsAuthenticator, type ConnectionOptions, type NatsConnection, type TlsOptions } from '@nats-io/transport-node';
import type { DataSource } from 'typeorm';
import { topology, type Topology } from '@reverie/contracts';
import { assertProvisioned, EventStore, type ConsumerSpec, type LeaseSettings } from '@reverie/event-store';
import { connectMigrated } from '@reverie/persistence';
import { DATA_SOURCE, EVENT_STORE, NATS_CONNECTION, TOPOLOGY, SESSION_CIPHER } from './infrastructure.tokens';
import { contentMasterKey, PgContentKeyring, SessionCipher } from '@reverie/content-crypto';
import { ManagedConsumers, type SupervisorLogger } from './managed-consumers';
import { ProjectionRunners } from './projection-runners';
import { answerProjectionCommands } from './projection-commands';

export interface InfrastructureOptions {
  service: string;
  natsUrl: string;
  /** NATS_TLS_CA, NATS_TLS_CERT, NATS_TLS_KEY: files for the TLS connection to NATS. */
  natsTls?: NatsTlsFiles;
  /** NATS_USER with NATS_PASSWORD, or NATS_CREDS: who this service is to NATS (deploy/nats/nats-server.conf). */
  natsAuth?: NatsCredentials;
  databaseUrl: string;
  namespace: string;
  /** Durable consumers this service binds to; start-up fails, naming them, if `reverie setup` has not created them. */
  consumers: ConsumerSpec[];
  poolSize?: number;
  /** REVERIE_CONTENT_KEY: the master key of session content (absent: the development key). */
  contentKey?: string;
  /** Partitions of the sessions projection (REVERIE_SESSION_PARTITIONS): a projection started with `partitioned` runs one runner per partition. */
  sessionPartitions?: number;
  /** This replica's projection leases (one replica applies each projection; see runLeasedProjection). */
  lease?: LeaseSettings;
  /** Where the consumer supervisor logs a loop that stopped and its restart. */
  logger?: SupervisorLogger;
}

const INFRASTRUCTURE_OPTIONS = Symbol('INFRASTRUCTURE_OPTIONS');

class InfrastructureLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private commands?: { close(): Promise<void> };

  constructor(
    @Inject(ManagedConsumers) private readonly consumers: ManagedConsumers,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(TOPOLOGY) private readonly topology: Topology,
    @Inject(ProjectionRunners) private readonly projections: ProjectionRunners,
    @Inject(INFRASTRUCTURE_OPTIONS) private readonly options: InfrastructureOptions,
  ) {}

  onApplicationBootstrap(): void {
    // The operator's `reverie rebuild` (list and rebuild this service's projections).
    this.commands = answerProjectionCommands(this.nc, this.topology, this.options.service, this.projections, this.options.logger);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.commands?.close();
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
        { provide: INFRASTRUCTURE_OPTIONS, useValue: options },
        { provide: TOPOLOGY, useValue: topology(options.namespace) },
        {
          provide: NATS_CONNECTION,
          inject: [TOPOLOGY],
          useFactory: async (t: Topology) => {
            // noAsyncTraces: no stack capture per request; a JetStream publish is a request, and the capture cost ~10% of ingest CPU.
            const tls = natsTlsOptions(options.natsUrl, options.natsTls);
            const auth = natsAuthOptions(options.natsAuth);
            const nc = await connect({ servers: options.natsUrl, name: options.service, maxReconnectAttempts: -1, noAsyncTraces: true, ...(tls && { tls }), ...auth }).catch((err: Error) => {
              // nats.js says only "server does not support 'tls'" when TLS is required and the server does not offer it.
              const why = tls && /does not support 'tls'/.test(err.message) ? 'the server does not offer TLS, which a tls:// URL or NATS_TLS_* require'
                : err instanceof AuthorizationError ? `${err.message} (${options.natsAuth?.credsFile ? 'NATS_CREDS' : options.natsAuth?.user ? `NATS_USER ${options.natsAuth.user} with NATS_PASSWORD` : 'no NATS_USER or NATS_CREDS set'})`
                : err.message;
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
        {
          provide: SESSION_CIPHER,
          inject: [DATA_SOURCE],
          useFactory: (ds: DataSource) => new SessionCipher(new PgContentKeyring(ds, contentMasterKey({ REVERIE_CONTENT_KEY: options.contentKey }).key)),
        },
        { provide: ManagedConsumers, useFactory: () => new ManagedConsumers(options.logger) },
        {
          provide: ProjectionRunners,
          inject: [EVENT_STORE, DATA_SOURCE, TOPOLOGY, ManagedConsumers],
          useFactory: (store: EventStore, dataSource: DataSource, t: Topology, managed: ManagedConsumers) =>
            new ProjectionRunners({ service: options.service, store, dataSource, topology: t, managed, lease: options.lease, partitions: options.sessionPartitions ?? 1 }),
        },
        InfrastructureLifecycle,
      ],
      exports: [TOPOLOGY, NATS_CONNECTION, EVENT_STORE, DATA_SOURCE, SESSION_CIPHER, ManagedConsumers, ProjectionRunners],
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

export interface NatsCredentials {
  user?: string;
  pass?: string;
  /** A NATS credentials file (JWT and nkey seed). */
  credsFile?: string;
}

/**
 * The authentication options of the NATS connection: a credentials file (read now, so a bad file
 * fails at start-up), else a user and password, else none (a server without authorization).
 */
export function natsAuthOptions(auth: NatsCredentials = {}): Pick<ConnectionOptions, 'user' | 'pass' | 'authenticator'> {
  if (auth.credsFile) return { authenticator: credsAuthenticator(new Uint8Array(readFileSync(auth.credsFile))) };
  if (auth.user) return { user: auth.user, pass: auth.pass };
  return {};
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

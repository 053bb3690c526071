import { consumerSpecsOf } from '@reverie/event-store';
import type { SessionCipher } from '@reverie/content-crypto';
import { SESSION_CIPHER, type ServiceHandle } from '@reverie/service-kit';
import { natsTestEnv, pgTestEnv, TEST_NATS_URL, type NatsTestEnv, type PgTestEnv } from '@reverie/testing';
import { createApp } from '../app.factory';
import { loadIngestConfig, SERVICE, type IngestConfig } from '../config/ingest.config';

export interface IngestTestEnv {
  url: string;
  handle: ServiceHandle;
  nats: NatsTestEnv;
  pg: PgTestEnv;
  config: IngestConfig;
  /** Ingest API keys by tenant (REVERIE_API_KEYS entries without roles: `ingest`). */
  keys: Record<string, string>;
  /** Keys with the `reviewer` role by tenant, for the sessions read routes. */
  readerKeys: Record<string, string>;
  /** The service's own cipher: opens what it sealed into SESSIONS. */
  cipher: SessionCipher;
  stop(): Promise<void>;
}

/**
 * The real service, in-process, on a fresh NATS namespace and a fresh migrated database,
 * listening on a free port: for integration tests and the benchmark.
 */
export async function startIngestTestEnv(options: { duplicateWindowSeconds?: number; env?: Record<string, string>; tenants?: string[]; logLevel?: string } = {}): Promise<IngestTestEnv> {
  const nats = await natsTestEnv({ consumers: consumerSpecsOf(SERVICE), duplicateWindowSeconds: options.duplicateWindowSeconds });
  const pg = await pgTestEnv();
  const tenants = options.tenants ?? ['acme', 'globex'];
  const keys = Object.fromEntries(tenants.map((t) => [t, `test-key-${t}-${nats.topology.namespace}`]));
  const readerKeys = Object.fromEntries(tenants.map((t) => [t, `test-reader-${t}-${nats.topology.namespace}`]));
  try {
    const config = loadIngestConfig({
      NATS_URL: TEST_NATS_URL,
      DATABASE_URL: pg.url,
      REVERIE_NAMESPACE: nats.topology.namespace,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: options.logLevel ?? 'silent',
      REVERIE_API_KEYS: [...Object.entries(keys).map(([t, k]) => `${k}:${t}`), ...Object.entries(readerKeys).map(([t, k]) => `${k}:${t}:reviewer`)].join(','),
      ...options.env,
    });
    const handle = await createApp(config, { handleSignals: false });
    return {
      url: handle.url, handle, nats, pg, config, keys, readerKeys, cipher: handle.app.get<SessionCipher>(SESSION_CIPHER),
      async stop() {
        await handle.shutdown('test done');
        await nats.cleanup();
        await pg.cleanup();
      },
    };
  } catch (err) {
    await nats.cleanup();
    await pg.cleanup();
    throw err;
  }
}

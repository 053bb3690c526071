import { randomBytes } from 'node:crypto';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Client } from 'pg';
import { topology, type Topology } from '@reverie/contracts';
import { deleteStreams, provisionStreams, type ConsumerSpec } from '@reverie/event-store';
import { migrateDatabase } from '@reverie/persistence';

/** A TCP port free on 127.0.0.1 right now (for a server a test starts: nats-server, a service). */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export const TEST_NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const PG_BASE = process.env.TEST_DATABASE_BASE_URL ?? 'postgres://postgres@127.0.0.1:5432';

/** A fresh namespace: its own streams on the shared NATS server, so test files can run in parallel. */
export function uniqueNamespace(prefix = 't'): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

export interface NatsTestEnv { nc: NatsConnection; topology: Topology; cleanup(): Promise<void>; }

export const TEST_RETENTION = { serving: { maxAgeDays: 1, maxBytes: 8 * 1024 * 1024 }, deadletter: { maxAgeDays: 1, maxBytes: 8 * 1024 * 1024 } };

/** TEST_RETENTION as the variables `reverie setup` and the services read, for a test that provisions through them. */
export const TEST_RETENTION_ENV = { REVERIE_SERVING_MAX_BYTES: '8MiB', REVERIE_SERVING_MAX_AGE_DAYS: '1', REVERIE_DEADLETTER_MAX_BYTES: '8MiB', REVERIE_DEADLETTER_MAX_AGE_DAYS: '1' };

/** Removes a namespace's streams from the shared test server (for a test that provisioned them through `reverie setup`). */
export async function deleteNamespaceStreams(namespace: string): Promise<void> {
  const nc = await connect({ servers: TEST_NATS_URL, noAsyncTraces: true });
  try {
    await deleteStreams(nc, topology(namespace));
  } finally {
    await nc.close();
  }
}

/** Connects to the real NATS server and provisions every stream (and the given consumers) in a new namespace. */
export async function natsTestEnv(options: { consumers?: ConsumerSpec[]; duplicateWindowSeconds?: number } = {}): Promise<NatsTestEnv> {
  const nc = await connect({ servers: TEST_NATS_URL, noAsyncTraces: true });
  const t = topology(uniqueNamespace());
  await provisionStreams(nc, t, {
    consumers: options.consumers ?? [],
    settings: { duplicateWindowSeconds: options.duplicateWindowSeconds ?? 120, maxMsgBytes: 1024 * 1024, replicas: 1 },
    // NATS reserves a stream's byte cap up front: a test namespace (and one a killed run leaves
    // behind) must not reserve the production defaults on the machine's shared server.
    retention: TEST_RETENTION,
  });
  return {
    nc,
    topology: t,
    async cleanup() {
      await deleteStreams(nc, t);
      await nc.drain();
    },
  };
}

export interface PgTestEnv { url: string; cleanup(): Promise<void>; }

/** A new, migrated Postgres database on the real server, dropped on cleanup. */
export async function pgTestEnv(): Promise<PgTestEnv> {
  const name = uniqueNamespace('reverie_test');
  const url = `${PG_BASE}/${name}`;
  await migrateDatabase(url);
  return {
    url,
    async cleanup() {
      const admin = new Client({ connectionString: `${PG_BASE}/postgres` });
      await admin.connect();
      try {
        await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    },
  };
}

/** Polls until `check` returns a value other than undefined/false; for waiting on checkpoints, not sleeping. */
export async function eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false, { timeoutMs = 15000, intervalMs = 50, what = 'condition' } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v as T;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

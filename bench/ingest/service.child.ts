/**
 * session-ingest for the ingest bench, in a process of its own (as it runs in production), so
 * that the load generator's JSON and HTTP client work is not charged to the service. Started by
 * run.ts with `fork`; talks to it over the IPC channel:
 *   → { type: 'ready', url, key, namespace }        once the app listens
 *   ← { type: 'cpu' }                → { type: 'cpu', usage }   process.cpuUsage() of this process
 *   ← { type: 'profile', dir }       starts a V8 CPU profile;  ← { type: 'profile-stop', file } writes it
 *   ← { type: 'stop' }               shuts the app down, cleans the namespace and database, exits
 */
import { startIngestTestEnv } from '../../apps/session-ingest/src/testing/ingest-test-env';
import { serveChildCommands } from '../child-commands';

async function main(): Promise<void> {
  const maxBatch = process.env.BENCH_MAX_BATCH_EVENTS ?? '1000';
  const env = await startIngestTestEnv({ tenants: ['bench'], env: { INGEST_MAX_BATCH_EVENTS: maxBatch, REVERIE_RATE_LIMIT_PER_MINUTE: '0', INGEST_SEAL_CONTENT: process.env.BENCH_SEAL_CONTENT ?? 'true' } });
  const send = (m: unknown) => process.send?.(m);
  serveChildCommands('service', () => env.stop());
  send({ type: 'ready', url: env.url, key: env.keys.bench, namespace: env.nats.topology.namespace });
}

main().catch((err: Error) => {
  process.stderr.write(`bench service failed to start: ${err.stack}\n`);
  process.exit(1);
});

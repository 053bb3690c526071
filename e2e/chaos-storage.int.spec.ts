/**
 * Chaos, the fourth fault of issue 14 item 1: NATS runs out of storage. session-ingest runs as a
 * process of the build on a nats-server of this test's own whose JetStream may keep only a few
 * MiB on disk (`max_file_store`), and a client ingests sessions over HTTP until SESSIONS cannot
 * take more. Then the operator gives NATS more room (a restart with a larger limit, same store).
 * Checked: while full, ingest answers 503 with Retry-After (nothing half-written: what was not
 * acknowledged is not in the log, and the client's retry of it goes through later); no
 * acknowledged event lost or stored twice; the sessions read model equals its rebuild from the
 * log (`rebuildProjectionInShadow`, compare mode); nothing dead-lettered. Loopback only.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { topology, type SessionEvent } from '@reverie/contracts';
import { EventStore } from '@reverie/event-store';
import { eventually, freePort, operatorKeys, pgTestEnv, type PgTestEnv } from '@reverie/testing';
import { cliConfig } from '../apps/cli/src/cli-config';
import { setupCommand } from '../apps/cli/src/commands/setup.command';
import { acknowledged, chaosSession, ensureBuilt, expectSessionsReadModelRebuilt, ingestBatch, ownServiceReady, ROOT, sessionsLog, spawnService, startNatsServer, stopProcess, type IngestAnswer } from './chaos-kit';

jest.setTimeout(240_000);

const { keys: KEYS, REVERIE_API_KEYS } = operatorKeys({ ingest: { tenant: 'chaos', roles: 'ingest' } });
/** SERVING and DEADLETTER reserve their caps up front: small ones, so the rest is what SESSIONS can use. */
const SMALL_RETENTION = { REVERIE_SERVING_MAX_BYTES: '1MiB', REVERIE_DEADLETTER_MAX_BYTES: '1MiB' };

const sessionEvents = (n: number): SessionEvent[] => chaosSession(n, { prefix: 'full', users: 11, failEvery: 3, failOutput: 'FAIL', padded: true });

describe('chaos: NATS out of storage under ingest load, then given more room', () => {
  let natsDir: string;
  let natsPort: number;
  let nats: ChildProcess | undefined;
  let ingest: ChildProcess | undefined;
  let ingestPort: number;
  let nc: NatsConnection;
  let pg: PgTestEnv;

  const startNats = async (maxFileStore: string) => {
    const conf = path.join(natsDir, 'nats.conf');
    writeFileSync(conf, `listen: "127.0.0.1:${natsPort}"\njetstream { store_dir: "${path.join(natsDir, 'store')}", max_file_store: ${maxFileStore}, max_memory_store: 64MB }\n`);
    nats = await startNatsServer(['-c', conf]);
  };

  beforeAll(async () => {
    ensureBuilt();
    natsDir = mkdtempSync(path.join(os.tmpdir(), 'reverie-chaos-full-'));
    natsPort = await freePort();
    await startNats('4MB');
    pg = await pgTestEnv();
    const setupEnv = { NATS_URL: `nats://127.0.0.1:${natsPort}`, DATABASE_URL: pg.url, ...SMALL_RETENTION };
    await setupCommand(cliConfig(setupEnv), { json: true, result: () => undefined, note: () => undefined }, setupEnv);
    ingestPort = await freePort();
    ingest = spawnService('session-ingest', { PATH: process.env.PATH, NODE_ENV: 'development', NATS_URL: `nats://127.0.0.1:${natsPort}`, DATABASE_URL: pg.url, PORT: String(ingestPort), LOG_LEVEL: 'warn', REVERIE_API_KEYS, REVERIE_RATE_LIMIT_PER_MINUTE: '0' }, 'session-ingest-full.log');
    await eventually(() => ownServiceReady(ingest, ingestPort, 'session-ingest'), { what: 'session-ingest (the process this test started) ready', timeoutMs: 60_000 });
    nc = await connect({ servers: `nats://127.0.0.1:${natsPort}`, maxReconnectAttempts: -1 });
  });

  afterAll(async () => {
    await stopProcess(ingest);
    await nc?.close().catch(() => undefined);
    await stopProcess(nats);
    await pg?.cleanup();
    if (natsDir) rmSync(natsDir, { recursive: true, force: true });
  });

  it('refuses with 503 while full, loses nothing acknowledged, and takes the retries once there is room', async () => {
    const acked = new Map<string, string>();
    const refusals: IngestAnswer[] = [];
    let full = false;
    let roomGiven = false;
    let fullAt = 0;
    let roomGivenAt = 0;
    let recoveredAfterMs = 0;

    for (let n = 0; n < 10_000 && !(roomGiven && acked.size > 0 && recoveredAfterMs); n++) {
      const events = sessionEvents(n);
      for (;;) {
        const answer = await ingestBatch(ingestPort, KEYS.ingest.key, events, acked);
        if (acknowledged(answer)) {
          if (roomGiven && !recoveredAfterMs) recoveredAfterMs = Date.now() - roomGivenAt;
          break;
        }
        if (answer.status !== 0) refusals.push(answer);
        if (!full) {
          full = true;
          fullAt = Date.now();
        }
        if (!roomGiven && Date.now() - fullAt > 3000) {
          // Full for 3 s; the operator gives JetStream more room: a restart with a larger limit, same store.
          await stopProcess(nats, 'SIGTERM');
          await startNats('64MB');
          roomGiven = true;
          roomGivenAt = Date.now();
        }
        await new Promise((r) => setTimeout(r, 200)); // not acknowledged: the same batch again
      }
      if (recoveredAfterMs) break;
    }
    expect(full).toBe(true);
    expect(recoveredAfterMs).toBeGreaterThan(0);
    // Refused clearly, never a 500: 503 with a Retry-After (or no answer while NATS restarts).
    expect(refusals.length).toBeGreaterThan(0);
    expect(refusals.filter((r) => r.status !== 503)).toEqual([]);
    expect(refusals[0].retryAfter).not.toBeNull();

    const t = topology('');
    const store = new EventStore(nc, t);
    const { inLog, lost, twice } = await sessionsLog(store, acked);
    expect({ lost, twice }).toEqual({ lost: 0, twice: 0 });
    expect(acked.size).toBeGreaterThan(50);

    // The read model caught up and equals its rebuild; nothing was dead-lettered.
    await expectSessionsReadModelRebuilt(store, pg.url, inLog, acked);
    process.stdout.write(`chaos (storage full): ${refusals.length} refusals (${[...new Set(refusals.map((r) => r.detail))].join(' | ')}); ingest took events again ${recoveredAfterMs} ms after NATS came back with room; ${acked.size} events acknowledged\n`);
    writeFileSync(path.join(ROOT, '.reverie/chaos-storage-report.json'), `${JSON.stringify({ refusals: refusals.length, recoveredAfterMs, eventsAcked: acked.size }, null, 2)}\n`);
  });
});

/**
 * Chaos, against the real servers as processes (issue 14 item 1): the four services run as child
 * processes of the compiled build, on a nats-server of this test's own (its own store directory)
 * and the real Postgres behind a TCP proxy (the outage switch); a load generator ingests sessions
 * over HTTP the whole time, retrying what was not acknowledged. Faults, one after the other:
 * kill -9 of each service (restarted), a NATS server restart (kill -9, same store), and a Postgres
 * outage of CHAOS_PG_OUTAGE_SECONDS (20 here; `npm run test:chaos` runs 660). After each: the time
 * until every service is ready again. At the end: no acknowledged event lost, no event applied
 * twice, the sessions read model (and every other rebuildable one, through `reverie rebuild
 * --compare-only`) equal to a rebuild from the log, every consumer caught up,
 * nothing dead-lettered. Loopback only. The recovery times go to .reverie/chaos-report.json.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Client } from 'pg';
import { SERVICE_NAMES, sessionEventSchema, topology, type ServiceName, type SessionEvent } from '@reverie/contracts';
import { CONSUMERS, EventStore, rebuildProjection } from '@reverie/event-store';
import { createDataSource } from '@reverie/persistence';
import { eventually, freePort, operatorKeys, pgTestEnv, tcpProxy, type PgTestEnv, type TcpProxy } from '@reverie/testing';
import { cliConfig } from '../apps/cli/src/cli-config';
import { setupCommand } from '../apps/cli/src/commands/setup.command';
import { rebuildCommand, rebuildListCommand } from '../apps/cli/src/commands/rebuild.command';
import { sessionsProjection } from '../apps/session-ingest/src/sessions/sessions.projection';
import { acknowledged, chaosSession, ensureBuilt, ingestBatch, ownServiceReady, ROOT, sessionsLog, spawnService, startNatsServer, stopProcess } from './chaos-kit';

const OUTAGE_S = Number(process.env.CHAOS_PG_OUTAGE_SECONDS ?? 20);
jest.setTimeout((OUTAGE_S + 300) * 1000);

const { keys: KEYS, REVERIE_API_KEYS } = operatorKeys({ ingest: { tenant: 'chaos', roles: 'ingest' } });

const sessionEvents = (n: number): SessionEvent[] => chaosSession(n, { prefix: 'c', users: 17, failEvery: 3, failOutput: 'FAIL src/a.spec.ts' });

describe(`chaos: kill -9 of every service, a NATS restart, a ${OUTAGE_S} s Postgres outage, under load`, () => {
  let natsDir: string;
  let natsPort: number;
  let nats: ChildProcess | undefined;
  let nc: NatsConnection;
  let pg: PgTestEnv;
  let proxy: TcpProxy;
  const ports = {} as Record<ServiceName, number>;
  const procs = {} as Record<ServiceName, ChildProcess | undefined>;

  const startNats = async () => {
    nats = await startNatsServer(['-a', '127.0.0.1', '-p', String(natsPort), '-js', '-sd', natsDir]);
  };
  const env = (s: ServiceName): NodeJS.ProcessEnv => {
    const through = new URL(pg.url);
    through.hostname = '127.0.0.1';
    through.port = String(proxy.port);
    return {
      PATH: process.env.PATH, NODE_ENV: 'development', NATS_URL: `nats://127.0.0.1:${natsPort}`, DATABASE_URL: through.toString(), PORT: String(ports[s]), LOG_LEVEL: 'warn',
      REVERIE_API_KEYS, REVERIE_RATE_LIMIT_PER_MINUTE: '0', GOVERNANCE_CLOCK_SECONDS: '5',
    };
  };
  const startService = (s: ServiceName) => {
    procs[s] = spawnService(s, env(s), `${s}.log`);
  };
  /**
   * A restarted service gets a new free port: another test file running beside this one may take
   * the old one in the second it is free (seen: this test's "ready" answered by another test's
   * service). And readiness counts only from the process this test started, naming the service.
   */
  const restart = async (s: ServiceName) => {
    ports[s] = await freePort();
    startService(s);
  };
  const ready = async (s: ServiceName) => {
    if (procs[s]?.exitCode !== null) await restart(s); // it could not start (its port taken meanwhile): again, elsewhere
    return ownServiceReady(procs[s], ports[s], s);
  };
  const allReady = async () => (await Promise.all(SERVICE_NAMES.map(ready))).every(Boolean);

  beforeAll(async () => {
    ensureBuilt();
    natsDir = mkdtempSync(path.join(os.tmpdir(), 'reverie-chaos-nats-'));
    natsPort = await freePort();
    await startNats();
    pg = await pgTestEnv();
    proxy = await tcpProxy({ host: '127.0.0.1', port: Number(new URL(pg.url).port || 5432) });
    await setupCommand(cliConfig({ NATS_URL: `nats://127.0.0.1:${natsPort}`, DATABASE_URL: pg.url }), { json: true, result: () => undefined, note: () => undefined }, { NATS_URL: `nats://127.0.0.1:${natsPort}`, DATABASE_URL: pg.url });
    for (const s of SERVICE_NAMES) ports[s] = await freePort();
    for (const s of SERVICE_NAMES) startService(s);
    await eventually(allReady, { what: 'the four services ready', timeoutMs: 60_000 });
    nc = await connect({ servers: `nats://127.0.0.1:${natsPort}`, maxReconnectAttempts: -1 });
  });

  afterAll(async () => {
    for (const s of SERVICE_NAMES) await stopProcess(procs[s]);
    await nc?.close().catch(() => undefined);
    await stopProcess(nats);
    await proxy?.close();
    await pg?.cleanup();
    if (natsDir) rmSync(natsDir, { recursive: true, force: true });
  });

  it('loses no acknowledged event, applies none twice, and every projection equals a rebuild, whatever fails', async () => {
    const acked = new Map<string, string>(); // event id -> session id
    let sent = 0;
    let running = true;
    let failures = 0;
    const load = (async () => {
      for (let n = 0; running; n++) {
        const events = [...sessionEvents(2 * n), ...sessionEvents(2 * n + 1)];
        for (;;) {
          if (acknowledged(await ingestBatch(ports['session-ingest'], KEYS.ingest.key, events, acked))) {
            sent++;
            break;
          }
          failures++;
          await new Promise((r) => setTimeout(r, 100)); // not acknowledged: the same batch again
          if (!running) return;
        }
      }
    })();
    const recovery: Record<string, number> = {};
    const waitReady = async (what: string, t0: number, timeoutMs = 120_000) => {
      await eventually(allReady, { what: `ready after ${what}`, timeoutMs, intervalMs: 100 });
      recovery[what] = Date.now() - t0;
      process.stdout.write(`chaos: ${what}: ready again after ${recovery[what]} ms (${sent} batches acknowledged so far)\n`);
    };
    await eventually(() => sent >= 20, { what: 'load running' });

    for (const s of SERVICE_NAMES) {
      await stopProcess(procs[s]);
      const t0 = Date.now();
      await restart(s);
      await waitReady(`kill -9 ${s}`, t0);
      const before = sent;
      await eventually(() => sent >= before + 5, { what: `load going on after ${s}`, timeoutMs: 60_000 });
    }

    await stopProcess(nats);
    let t0 = Date.now();
    await startNats();
    await waitReady('NATS restart (kill -9, same store)', t0);
    const beforeOutage = sent;
    await eventually(() => sent >= beforeOutage + 5, { what: 'load going on after the NATS restart', timeoutMs: 60_000 });

    proxy.cut();
    await new Promise((r) => setTimeout(r, OUTAGE_S * 1000));
    proxy.restore();
    t0 = Date.now();
    await waitReady(`Postgres outage of ${OUTAGE_S} s`, t0, 300_000);

    running = false;
    await load;
    // Every consumer has caught up with its stream.
    const jsm = await jetstreamManager(nc);
    const t = topology('');
    await eventually(async () => {
      for (const c of CONSUMERS) {
        const info = await jsm.consumers.info(t.streamName(c.stream), t.consumerName(c.app, c.purpose));
        if (info.num_pending > 0 || info.num_ack_pending > 0) return false;
      }
      return true;
    }, { what: 'every consumer caught up', timeoutMs: 120_000 });

    // No acknowledged event lost, none stored twice.
    const store = new EventStore(nc, t);
    const { lost, twice } = await sessionsLog(store, acked);
    expect({ acked: acked.size, lost, twice }).toEqual({ acked: acked.size, lost: 0, twice: 0 });
    expect(acked.size).toBeGreaterThan(100);

    // The sessions read model equals a rebuild from the log, and counts each event once.
    const db = new Client({ connectionString: pg.url });
    await db.connect();
    const fresh = await pgTestEnv();
    const freshDs = createDataSource({ url: fresh.url, poolSize: 2 });
    await freshDs.initialize();
    try {
      await rebuildProjection({ store, dataSource: freshDs, stream: 'sessions', parser: sessionEventSchema, projection: sessionsProjection, reset: async (m) => { await m.query('DELETE FROM ingest_sessions'); } });
      const q = 'SELECT session_id, events, messages, tool_calls, outcome FROM ingest_sessions ORDER BY session_id';
      const live = (await db.query(q)).rows;
      const rebuilt = await freshDs.query(q);
      expect(live.length).toBe(new Set(acked.values()).size);
      expect(live).toEqual(rebuilt);
      const eventsPerSession = new Map<string, number>();
      for (const s of acked.values()) eventsPerSession.set(s, (eventsPerSession.get(s) ?? 0) + 1);
      expect(live.filter((r: { session_id: string; events: number }) => r.events !== eventsPerSession.get(r.session_id))).toEqual([]);
    } finally {
      await freshDs.destroy();
      await fresh.cleanup();
      await db.end();
    }

    // Every other read model equals its rebuild from the log too (`reverie rebuild --compare-only`, run by each service).
    const cli = cliConfig({ NATS_URL: `nats://127.0.0.1:${natsPort}`, DATABASE_URL: pg.url });
    const printed: unknown[] = [];
    const out = { json: true, result: (v: unknown) => printed.push(v), note: () => undefined };
    await rebuildListCommand(cli, out);
    const { projections } = printed.pop() as { projections: { name: string; rebuildable: boolean }[] };
    const compared: Record<string, boolean> = {};
    for (const p of projections.filter((x) => x.rebuildable)) {
      await rebuildCommand(cli, out, p.name, { compareOnly: true });
      compared[p.name] = (printed.pop() as { equal: boolean }).equal;
    }
    expect(Object.keys(compared).length).toBeGreaterThanOrEqual(6);
    expect(Object.entries(compared).filter(([, equal]) => !equal)).toEqual([]);

    // Nothing dead-lettered for a transient cause (nothing at all here: the load sends no poison).
    expect((await jsm.streams.info(t.streamName('deadletter'))).state.messages).toBe(0);
    writeFileSync(path.join(ROOT, '.reverie/chaos-report.json'), `${JSON.stringify({ outageSeconds: OUTAGE_S, batchesAcked: sent, eventsAcked: acked.size, unacknowledgedAttempts: failures, recoveryMs: recovery }, null, 2)}\n`);
    process.stdout.write(`chaos recovery (ms): ${JSON.stringify(recovery)}; ${acked.size} events acknowledged, ${failures} attempts retried\n`);
  });
});

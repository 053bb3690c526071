/**
 * Chaos: a Postgres server of this test's own (Debian's initdb/pg_ctl, its own data directory and
 * port) stopped with `pg_ctl stop -m fast` — the server terminates every connection, as in a
 * restart or a failover — kept down for CHAOS_PG_DOWN_SECONDS (20 here; the TCP-cut outage of
 * `npm run test:chaos` runs eleven minutes), and started again, under HTTP ingest load. What a
 * projection sees is not a silent network but Postgres's own refusals (admin shutdown, "the
 * database system is shutting down / starting up", connection refused): none of them may
 * dead-letter an event (some reach SESSIONS during the outage: the projection holds them). Checked: no acknowledged event lost or stored twice, the sessions read
 * model equal to its rebuild, nothing in DEADLETTER, and the time until session-ingest is ready.
 * Skipped, saying why, where no Postgres server binaries or no `postgres` user are there to run one.
 */
import { execFileSync, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { topology, type SessionEvent } from '@reverie/contracts';
import { EventStore } from '@reverie/event-store';
import { eventually, freePort, operatorKeys, readinessOf } from '@reverie/testing';
import { cliConfig } from '../apps/cli/src/cli-config';
import { setupCommand } from '../apps/cli/src/commands/setup.command';
import { acknowledged, chaosSession, ensureBuilt, expectSessionsReadModelRebuilt, ingestBatch, ownServiceReady, ROOT, sessionsLog, spawnService, startNatsServer, stopProcess } from './chaos-kit';

const DOWN_S = Number(process.env.CHAOS_PG_DOWN_SECONDS ?? 20);
jest.setTimeout((DOWN_S + 180) * 1000);

const { keys: KEYS, REVERIE_API_KEYS } = operatorKeys({ ingest: { tenant: 'chaos', roles: 'ingest' } });

/** Debian's server binaries (the newest version installed), or undefined. */
function postgresBin(): string | undefined {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const version = readdirSync(base).sort((a, b) => Number(b) - Number(a)).find((v) => existsSync(path.join(base, v, 'bin/pg_ctl')));
  return version ? path.join(base, version, 'bin') : undefined;
}

/** Why this machine cannot run a Postgres server of the test's own, or undefined when it can. */
function unavailable(bin: string | undefined): string | undefined {
  if (!bin) return 'no Postgres server binaries under /usr/lib/postgresql';
  if (process.getuid?.() !== 0) return 'the test runs the server as the `postgres` user, which needs root to switch to';
  if (spawnSync('id', ['-u', 'postgres']).status !== 0) return 'no `postgres` user';
  if (spawnSync('runuser', ['--help']).error) return 'no runuser';
  return undefined;
}

const BIN = postgresBin();
const WHY_NOT = unavailable(BIN);
if (WHY_NOT) process.stdout.write(`chaos-postgres-restart skipped: ${WHY_NOT}\n`);
const describeIf = WHY_NOT ? describe.skip : describe;

const sessionEvents = (n: number): SessionEvent[] => chaosSession(n, { prefix: 'pgr', users: 13, failEvery: 4, failOutput: 'FAIL' });

describeIf(`chaos: Postgres stopped (pg_ctl stop -m fast) for ${DOWN_S} s and started again, under load`, () => {
  let dataDir: string;
  let pgPort: number;
  let natsDir: string;
  let natsPort: number;
  let nats: ChildProcess | undefined;
  let ingest: ChildProcess | undefined;
  let ingestPort: number;
  let nc: NatsConnection;
  const asPostgres = (cmd: string, args: string[]) => execFileSync('runuser', ['-u', 'postgres', '--', path.join(BIN!, cmd), ...args], { stdio: 'pipe' });
  const pgCtl = (...args: string[]) => asPostgres('pg_ctl', ['-D', path.join(dataDir, 'data'), ...args]);
  const url = () => `postgres://postgres@127.0.0.1:${pgPort}/reverie`;

  beforeAll(async () => {
    ensureBuilt();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'reverie-chaos-pg-'));
    chmodSync(dataDir, 0o755);
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
    chownSync(dataDir, uid, gid);
    pgPort = await freePort();
    asPostgres('initdb', ['-D', path.join(dataDir, 'data'), '-A', 'trust', '-U', 'postgres', '--no-sync']);
    writeFileSync(path.join(dataDir, 'data', 'postgresql.auto.conf'), `port = ${pgPort}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '${dataDir}'\nfsync = off\n`);
    pgCtl('-l', path.join(dataDir, 'server.log'), '-w', 'start');

    natsDir = mkdtempSync(path.join(os.tmpdir(), 'reverie-chaos-pg-nats-'));
    natsPort = await freePort();
    nats = await startNatsServer(['-a', '127.0.0.1', '-p', String(natsPort), '-js', '-sd', natsDir]);

    const env = { NATS_URL: `nats://127.0.0.1:${natsPort}`, DATABASE_URL: url() };
    await setupCommand(cliConfig(env), { json: true, result: () => undefined, note: () => undefined }, env);
    ingestPort = await freePort();
    ingest = spawnService('session-ingest', { PATH: process.env.PATH, NODE_ENV: 'development', ...env, PORT: String(ingestPort), LOG_LEVEL: 'warn', REVERIE_API_KEYS, REVERIE_RATE_LIMIT_PER_MINUTE: '0' }, 'session-ingest-pg-restart.log');
    await eventually(() => ownServiceReady(ingest, ingestPort, 'session-ingest'), { what: 'session-ingest (the process this test started) ready', timeoutMs: 60_000 });
    nc = await connect({ servers: `nats://127.0.0.1:${natsPort}`, maxReconnectAttempts: -1 });
  });

  afterAll(async () => {
    for (const p of [ingest, nats]) await stopProcess(p);
    await nc?.close().catch(() => undefined);
    try {
      pgCtl('-m', 'immediate', 'stop');
    } catch {
      // already stopped
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    if (natsDir) rmSync(natsDir, { recursive: true, force: true });
  });

  it('dead-letters nothing, loses nothing acknowledged, and the read model equals its rebuild', async () => {
    const acked = new Map<string, string>();
    let running = true;
    let sent = 0;
    const load = (async () => {
      for (let n = 0; running; n++) {
        const events = sessionEvents(n);
        while (running) {
          if (acknowledged(await ingestBatch(ingestPort, KEYS.ingest.key, events, acked))) {
            sent++;
            break;
          }
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    })();
    await eventually(() => sent >= 20, { what: 'load running' });

    pgCtl('-m', 'fast', '-w', 'stop');
    const downAt = sent;
    await eventually(async () => (await readinessOf(`http://127.0.0.1:${ingestPort}`)).status === 503, { what: 'not ready while Postgres is down' });
    // Events reach SESSIONS while Postgres is down (published straight to the stream, as the log
    // takes them whatever the read side does): the projection receives them and must hold them.
    const store = new EventStore(nc, topology(''));
    const during = Array.from({ length: 25 }, (_, k) => sessionEvents(100_000 + k)).flat().map((e) => ({ ...e, tenantId: 'chaos', recordedAt: new Date().toISOString() }) as SessionEvent);
    for (const e of during) {
      await store.append('sessions', e);
      acked.set(e.id, e.streamId);
    }
    await new Promise((r) => setTimeout(r, DOWN_S * 1000));
    pgCtl('-l', path.join(dataDir, 'server.log'), '-w', 'start');
    const t0 = Date.now();
    await eventually(() => ownServiceReady(ingest, ingestPort, 'session-ingest'), { what: 'ready after Postgres is back', timeoutMs: 60_000, intervalMs: 50 });
    const readyAfterMs = Date.now() - t0;
    await eventually(() => sent >= downAt + 10, { what: 'load going on after the restart', timeoutMs: 60_000 });
    running = false;
    await load;

    const { inLog, lost, twice } = await sessionsLog(store, acked);
    expect({ lost, twice }).toEqual({ lost: 0, twice: 0 });

    await expectSessionsReadModelRebuilt(store, url(), inLog, acked);
    process.stdout.write(`chaos (Postgres stopped ${DOWN_S} s): session-ingest ready ${readyAfterMs} ms after Postgres started; ${acked.size} events acknowledged\n`);
    writeFileSync(path.join(ROOT, '.reverie/chaos-postgres-restart-report.json'), `${JSON.stringify({ downSeconds: DOWN_S, readyAfterMs, eventsAcked: acked.size }, null, 2)}\n`);
  });
});

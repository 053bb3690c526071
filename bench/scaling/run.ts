/**
 * Scale-out: session-ingest with 1 and 2 replicas (processes of the build) on the real local NATS
 * and Postgres, each configuration in a namespace and database of its own.
 *
 *   npm run build && node dist/bench/scaling/run.js [--events 40000] [--batch 500] [--clients 4] [--partitions 4] [--json]
 *
 * Per configuration (replicas × partitions of the sessions projection):
 * (a) ingest: `--clients` senders POST batches of `--batch` events over HTTP, spread over the
 *     replicas; events acknowledged per second, then the time until the read model has them all;
 * (b) projection: with the replicas running (partitions shared), the same number of events
 *     published straight to SESSIONS (with the AckPublisher the service uses: that publish rate is
 *     the raw baseline of the run); events per second from the first publish until the read model
 *     has them all (bounded below by the publish itself).
 * Ratios are against the raw publish rate measured in the same run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { cpus } from 'node:os';
import { connect, headers as natsHeaders } from '@nats-io/transport-node';
import { Client } from 'pg';
import { ROUTES, topology as makeTopology } from '@reverie/contracts';
import { AckPublisher } from '@reverie/event-store';
import { deleteNamespaceStreams, freePort, pgTestEnv, TEST_NATS_URL, TEST_RETENTION_ENV, uniqueNamespace, eventually, type PgTestEnv } from '@reverie/testing';
import { cliConfig } from '../../apps/cli/src/cli-config';
import { setupCommand } from '../../apps/cli/src/commands/setup.command';
import { benchEvent } from '../ingest/bench-event';
import { intArg } from '../bench-args';

const ROOT = path.resolve(__dirname, '../../..');
const KEY = 'bench-scaling-ingest-key-0001';
const round = (v: number, d = 1) => Math.round(v * 10 ** d) / 10 ** d;

interface Config { replicas: number; partitions: number }
interface Row extends Config { ingestEventsPerSecond: number; ingestWithReadModelEventsPerSecond: number; projectionEventsPerSecond: number; rawPublishEventsPerSecond: number }

async function environment(partitions: number) {
  const namespace = uniqueNamespace('scale');
  const pg = await pgTestEnv();
  // The test retention: the shared server reserves each stream's byte cap, production's would be 1.25 GiB per namespace.
  const env = { NATS_URL: TEST_NATS_URL, DATABASE_URL: pg.url, REVERIE_NAMESPACE: namespace, REVERIE_SESSION_PARTITIONS: String(partitions), ...TEST_RETENTION_ENV };
  await setupCommand(cliConfig(env), { json: true, result: () => undefined, note: () => undefined }, env);
  const cleanup = async () => {
    await pg.cleanup();
    await deleteNamespaceStreams(namespace);
  };
  return { namespace, pg, env, cleanup };
}

async function startReplicas(count: number, env: Record<string, string>, logDir: string, pg: PgTestEnv, partitions: number): Promise<{ urls: string[]; stop(): Promise<void> }> {
  const procs: ChildProcess[] = [];
  const urls: string[] = [];
  for (let r = 0; r < count; r++) {
    const port = await freePort();
    const log = openSync(path.join(logDir, `session-ingest-r${r}.log`), 'a');
    procs.push(spawn(process.execPath, [path.join(ROOT, 'dist/apps/session-ingest/src/main.js')], {
      env: { ...process.env, ...env, PORT: String(port), LOG_LEVEL: 'warn', NODE_ENV: 'development', REVERIE_API_KEYS: `${KEY}:bench:ingest`, REVERIE_RATE_LIMIT_PER_MINUTE: '0', REVERIE_REPLICA_ID: `bench-r${r}`, INGEST_MAX_BATCH_EVENTS: '1000' },
      stdio: ['ignore', log, log],
    }));
    urls.push(`http://127.0.0.1:${port}`);
  }
  await eventually(async () => (await Promise.all(urls.map((u) => fetch(`${u}/health/ready`).then((r) => r.status, () => 0)))).every((s) => s === 200), { what: 'replicas ready', timeoutMs: 60_000 });
  // Steady state: the partitions shared (each replica leading its share) before anything is measured.
  if (partitions > 1) await eventually(async () => (await leaders(pg)).length === Math.min(count, partitions), { what: 'partitions shared by the replicas', timeoutMs: 60_000 });
  return {
    urls,
    async stop() {
      await Promise.all(procs.map((p) => new Promise<void>((resolve) => { if (p.exitCode !== null) return resolve(); p.once('exit', () => resolve()); p.kill('SIGTERM'); })));
    },
  };
}

async function leaders(pg: PgTestEnv): Promise<string[]> {
  const db = new Client({ connectionString: pg.url });
  await db.connect();
  try {
    const rows: { lease_owner: string; n: number }[] = (await db.query(`SELECT lease_owner, count(*)::int AS n FROM projection_checkpoints WHERE projection LIKE 'session-ingest.sessions#p%' AND lease_until > now() GROUP BY lease_owner`)).rows;
    const total = rows.reduce((n, r) => n + r.n, 0);
    const share = Math.max(...rows.map((r) => r.n));
    return total > 0 && rows.every((r) => r.n === share) ? rows.map((r) => r.lease_owner) : [];
  } finally {
    await db.end();
  }
}

async function projected(pg: PgTestEnv): Promise<number> {
  const db = new Client({ connectionString: pg.url });
  await db.connect();
  try {
    return Number((await db.query('SELECT coalesce(sum(events), 0)::bigint AS n FROM ingest_sessions')).rows[0].n);
  } finally {
    await db.end();
  }
}

const eventsFor = (run: string, from: number, to: number) => Array.from({ length: to - from }, (_, k) => benchEvent(run, from + k));

async function ingestPhase(c: Config, events: number, batch: number, clients: number, logDir: string): Promise<{ ingest: number; withReadModel: number }> {
  const { pg, env, cleanup } = await environment(c.partitions);
  const replicas = await startReplicas(c.replicas, env, logDir, pg, c.partitions);
  try {
    const run = uniqueNamespace('i');
    let next = 0;
    const t0 = process.hrtime.bigint();
    await Promise.all(Array.from({ length: clients }, async (_, client) => {
      for (;;) {
        const from = next;
        if (from >= events) return;
        next += batch;
        const body = JSON.stringify({ events: eventsFor(run, from, Math.min(events, from + batch)) });
        const url = replicas.urls[client % replicas.urls.length];
        for (;;) {
          const res = await fetch(`${url}${ROUTES.ingestEvents}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': KEY }, body });
          await res.arrayBuffer();
          if (res.status === 202) break;
          if (res.status !== 503) throw new Error(`ingest answered ${res.status}`);
        }
      }
    }));
    const ingestSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    await eventually(async () => (await projected(pg)) >= events, { what: 'read model complete', timeoutMs: 600_000, intervalMs: 100 });
    const totalSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    return { ingest: events / ingestSeconds, withReadModel: events / totalSeconds };
  } finally {
    await replicas.stop();
    await cleanup();
  }
}

async function projectionPhase(c: Config, events: number, logDir: string): Promise<{ projection: number; raw: number }> {
  const { namespace, pg, env, cleanup } = await environment(c.partitions);
  const nc = await connect({ servers: TEST_NATS_URL });
  const replicas = await startReplicas(c.replicas, env, logDir, pg, c.partitions);
  try {
    const t = makeTopology(namespace);
    const publisher = new AckPublisher(nc);
    const run = uniqueNamespace('p');
    const encoder = new TextEncoder();
    const t0 = process.hrtime.bigint();
    const inFlight: Promise<unknown>[] = [];
    for (let i = 0; i < events; i++) {
      const e = { ...benchEvent(run, i), tenantId: 'bench', schemaVersion: 1, recordedAt: new Date().toISOString() } as unknown as { id: string; streamId: string };
      const h = natsHeaders();
      h.set('Nats-Msg-Id', `bench:${e.id}`);
      inFlight.push(publisher.publish(t.subject('sessions', 'bench', e.streamId), encoder.encode(JSON.stringify(e)), h));
      if (inFlight.length >= 1000) await Promise.all(inFlight.splice(0));
    }
    await Promise.all(inFlight);
    const raw = events / (Number(process.hrtime.bigint() - t0) / 1e9);
    await eventually(async () => (await projected(pg)) >= events, { what: 'read model complete', timeoutMs: 600_000, intervalMs: 100 });
    return { projection: events / (Number(process.hrtime.bigint() - t0) / 1e9), raw };
  } finally {
    await replicas.stop();
    await nc.close();
    await cleanup();
  }
}

async function main(): Promise<void> {
  const events = intArg('events', 40_000);
  const batch = intArg('batch', 500);
  const clients = intArg('clients', 4);
  const partitions = intArg('partitions', 4);
  const logDir = path.join(ROOT, '.reverie/bench-scaling');
  await mkdir(logDir, { recursive: true });
  const configs: Config[] = [{ replicas: 1, partitions: 1 }, { replicas: 1, partitions }, { replicas: 2, partitions }];
  const rows: Row[] = [];
  for (const c of configs) {
    const { ingest, withReadModel } = await ingestPhase(c, events, batch, clients, logDir);
    const { projection, raw } = await projectionPhase(c, events, logDir);
    rows.push({ ...c, ingestEventsPerSecond: round(ingest, 0), ingestWithReadModelEventsPerSecond: round(withReadModel, 0), projectionEventsPerSecond: round(projection, 0), rawPublishEventsPerSecond: round(raw, 0) });
  }
  if (process.argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify({ cpus: cpus().length, events, batch, clients, rows }, null, 2)}\n`);
    return;
  }
  process.stdout.write(`scaling: ${events} events, ${cpus().length} cores; events/s (ratio to the raw publish rate of the same run)\n`);
  process.stdout.write('| replicas | partitions | ingest (HTTP) | ingest until read model complete | projection alone | raw publish |\n|---|---|---|---|---|---|\n');
  for (const r of rows) {
    const ratio = (v: number) => `${v.toLocaleString('en')} (${round(v / r.rawPublishEventsPerSecond, 2)})`;
    process.stdout.write(`| ${r.replicas} | ${r.partitions} | ${ratio(r.ingestEventsPerSecond)} | ${ratio(r.ingestWithReadModelEventsPerSecond)} | ${ratio(r.projectionEventsPerSecond)} | ${r.rawPublishEventsPerSecond.toLocaleString('en')} |\n`);
  }
}

main().then(() => process.exit(0), (err: Error) => {
  process.stderr.write(`${err.stack ?? err.message}\n`);
  process.exit(1);
});

/**
 * Ingest throughput: session events per second into SESSIONS (acknowledged by JetStream) through
 * session-ingest, over HTTP batches and over the NATS ingest subject, against the raw JetStream
 * publish rate measured by this script in the same run. The service runs in-process on a fresh
 * namespace and database of the real local NATS and Postgres (its sessions projection runs too).
 *
 *   npm run build && node dist/bench/ingest/run.js [--events 20000] [--batch 500] [--clients 4] [--json]
 *
 * (a) raw: js.publish of ~1 KiB messages with a message id, 1000 acks in flight, from this process;
 * (b) HTTP: `--clients` concurrent senders, each POSTing batches of `--batch` events (fetch, keep-alive);
 * (c) NATS: the same over request/reply on `reverie.cmd.ingest`.
 * Every event is ~1 KiB of JSON, validated, redacted and appended as in production.
 */
import { headers as natsHeaders, type NatsConnection } from 'nats';
import { ROUTES, topology as makeTopology } from '@reverie/contracts';
import { streamConfig } from '@reverie/event-store';
import { NATS_API_KEY_HEADER } from '@reverie/ingest-client';
import { startIngestTestEnv } from '../../apps/session-ingest/src/testing/ingest-test-env';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive whole number, got ${process.argv[i + 1]}`);
  return v;
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
const round = (v: number, d = 1) => Math.round(v * 10 ** d) / 10 ** d;

const WORDS = 'the build failed because the test runner could not find module config so I retried with a clean cache and then checked the path in tsconfig before running npm install again while the user asked whether the migration ran'.split(' ');

/** A ~1 KiB session event as a publisher sends it. */
function benchEvent(run: string, i: number): Record<string, unknown> {
  const session = `${run}-s${Math.floor(i / 50)}`;
  const words: string[] = [];
  let len = 0;
  for (let k = 0; len < 760; k++) {
    const w = WORDS[(i * 7 + k * 13) % WORDS.length];
    words.push(w);
    len += w.length + 1;
  }
  const text = words.join(' ');
  const common = { id: `${run}-e${i}`, streamId: session, occurredAt: new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString(), actor: { kind: 'agent', id: 'bench-agent' }, correlationId: session };
  return i % 3 === 2
    ? { ...common, type: 'ToolResultRecorded', data: { seq: i % 50, toolCallId: `call-${i}`, toolName: 'bash', output: text, isError: i % 9 === 2 } }
    : { ...common, type: i % 3 === 0 ? 'UserMessageRecorded' : 'AssistantMessageRecorded', data: { seq: i % 50, text } };
}

interface Result { path: string; events: number; seconds: number; eventsPerSecond: number; ratioToRaw?: number; batchP50Ms?: number; batchP99Ms?: number; batches?: number }

/**
 * A stream configured like SESSIONS (file storage, same dedup window and limits) that nothing
 * consumes, so the raw publishes do not land in the service's projection.
 */
async function rawStream(nc: NatsConnection, namespace: string): Promise<{ subject: (i: number) => string; remove(): Promise<void> }> {
  const jsm = await nc.jetstreamManager();
  const t = makeTopology(namespace);
  const name = `${t.streamName('sessions')}_RAWBENCH`;
  await jsm.streams.add({ ...streamConfig(t, 'sessions'), name, subjects: [`${namespace}.rawbench.>`] });
  return { subject: (i) => `${namespace}.rawbench.r${i % 100}`, remove: () => jsm.streams.delete(name).then(() => undefined) };
}

async function rawPublish(nc: NatsConnection, subject: (i: number) => string, n: number, payloadBytes: number, run: string): Promise<Result> {
  const js = nc.jetstream();
  const payload = new TextEncoder().encode(JSON.stringify(benchEvent('raw', 0)).padEnd(payloadBytes, ' ').slice(0, payloadBytes));
  const inFlight = 1000;
  let next = 0;
  const start = performance.now();
  const worker = async () => {
    while (next < n) {
      const i = next++;
      await js.publish(subject(i), payload, { msgID: `${run}-${i}` });
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const seconds = (performance.now() - start) / 1000;
  return { path: 'raw JetStream publish (1000 in flight)', events: n, seconds: round(seconds, 2), eventsPerSecond: Math.round(n / seconds) };
}

async function batched(path: string, events: Record<string, unknown>[], batchSize: number, clients: number, send: (body: string) => Promise<number>): Promise<Result> {
  const bodies: string[] = [];
  for (let i = 0; i < events.length; i += batchSize) bodies.push(JSON.stringify({ events: events.slice(i, i + batchSize) }));
  const latencies: number[] = [];
  let next = 0;
  let accepted = 0;
  const start = performance.now();
  await Promise.all(Array.from({ length: clients }, async () => {
    while (next < bodies.length) {
      const body = bodies[next++];
      const t0 = performance.now();
      const n = await send(body);
      accepted += n;
      latencies.push(performance.now() - t0);
    }
  }));
  const seconds = (performance.now() - start) / 1000;
  if (accepted !== events.length) throw new Error(`${path}: ${accepted} of ${events.length} events accepted`);
  latencies.sort((a, b) => a - b);
  return { path, events: accepted, seconds: round(seconds, 2), eventsPerSecond: Math.round(accepted / seconds), batchP50Ms: round(quantile(latencies, 0.5)), batchP99Ms: round(quantile(latencies, 0.99)), batches: latencies.length };
}

/** Waits until the service's sessions projection has caught up, so one phase's backlog does not slow the next. */
async function projectionIdle(nc: NatsConnection, namespace: string): Promise<void> {
  const jsm = await nc.jetstreamManager();
  const t = makeTopology(namespace);
  for (;;) {
    const info = await jsm.consumers.info(t.streamName('sessions'), t.consumerName('session-ingest', 'sessions-projection'));
    if (info.num_pending === 0 && info.num_ack_pending === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function main(): Promise<void> {
  const n = arg('events', 20_000);
  const batchSize = arg('batch', 500);
  const clients = arg('clients', 4);
  const asJson = process.argv.includes('--json');
  const env = await startIngestTestEnv({ tenants: ['bench'], env: { INGEST_MAX_BATCH_EVENTS: String(Math.max(1000, batchSize)) } });
  const key = env.keys.bench;
  const ns = env.nats.topology.namespace;
  try {
    const sample = JSON.stringify(benchEvent('x', 1));
    // Warm-up: JIT, pools, connections.
    const warm = Array.from({ length: 2000 }, (_, i) => benchEvent('warm', i));
    await batched('warm-up', warm, batchSize, clients, async (body) => {
      const res = await fetch(`${env.url}${ROUTES.ingestEvents}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body });
      const json = (await res.json()) as { accepted: number };
      if (res.status !== 202) throw new Error(`warm-up HTTP ${res.status}: ${JSON.stringify(json).slice(0, 400)}`);
      return json.accepted;
    });
    await projectionIdle(env.nats.nc, ns);
    const rawTarget = await rawStream(env.nats.nc, ns);
    await rawPublish(env.nats.nc, rawTarget.subject, 5000, Buffer.byteLength(sample), 'warm');
    const raw = await rawPublish(env.nats.nc, rawTarget.subject, n, Buffer.byteLength(sample), 'raw');
    const http = await batched(`HTTP ${ROUTES.ingestEvents} (${clients} clients × ${batchSize}/batch)`, Array.from({ length: n }, (_, i) => benchEvent('http', i)), batchSize, clients, async (body) => {
      const res = await fetch(`${env.url}${ROUTES.ingestEvents}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body });
      const json = (await res.json()) as { accepted: number };
      if (res.status !== 202) throw new Error(`HTTP ${res.status}: ${JSON.stringify(json).slice(0, 300)}`);
      return json.accepted;
    });
    await projectionIdle(env.nats.nc, ns);
    const subject = env.nats.topology.command('ingest');
    const encoder = new TextEncoder();
    const nats = await batched(`NATS ${subject} (${clients} clients × ${batchSize}/batch)`, Array.from({ length: n }, (_, i) => benchEvent('nats', i)), batchSize, clients, async (body) => {
      const h = natsHeaders();
      h.set(NATS_API_KEY_HEADER, key);
      const reply = await env.nats.nc.request(subject, encoder.encode(body), { headers: h, timeout: 60_000 });
      const json = JSON.parse(new TextDecoder().decode(reply.data)) as { accepted: number; error?: unknown };
      if (json.error) throw new Error(`NATS: ${JSON.stringify(json.error)}`);
      return json.accepted;
    });
    for (const r of [http, nats]) r.ratioToRaw = round(r.eventsPerSecond / raw.eventsPerSecond, 2);
    const results = [raw, http, nats];
    const report = { bench: 'ingest', eventBytes: Buffer.byteLength(sample), events: n, batchSize, clients, cpus: (await import('node:os')).cpus().length, loadAverage: (await import('node:os')).loadavg().map((l) => round(l, 2)), results };
    if (asJson) {
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    } else {
      const rows = results.map((r) => `| ${r.path} | ${r.events} | ${r.eventsPerSecond} | ${r.ratioToRaw ?? 1} | ${r.batchP50Ms ?? '-'} | ${r.batchP99Ms ?? '-'} |`);
      process.stdout.write([
        `ingest bench: ${n} events of ~${report.eventBytes} B, load average ${report.loadAverage.join(' ')}`,
        '| path | events | events/s | ratio to raw | batch p50 ms | batch p99 ms |',
        '|---|---|---|---|---|---|',
        ...rows,
        '',
        JSON.stringify(report),
        '',
      ].join('\n'));
    }
    await rawTarget.remove();
  } finally {
    await env.stop();
  }
}

main().catch((err) => {
  process.stderr.write(`bench/ingest failed: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});

/**
 * Ingest throughput: session events per second into SESSIONS (acknowledged by JetStream) through
 * session-ingest, over HTTP batches and over the NATS ingest subject, against the raw JetStream
 * publish rate measured by this script in the same run, on the real local NATS and Postgres.
 *
 *   npm run build && node dist/bench/ingest/run.js [--events 20000] [--batch 500] [--clients 4] [--rounds 3]
 *                                                  [--in-process] [--profile <dir>] [--json]
 *                                                  [--service-node-options=<flags>]
 * Recommended: `node --max-semi-space-size=64 dist/bench/ingest/run.js` (the service inherits the flag).
 *
 * The service (fresh namespace and database, its sessions projection running) runs in a child
 * process of its own, as in production; this process is the load generator and the raw publisher.
 * (a) raw: publishes from this process of ~1 KiB messages with a message id, 1000 acks in flight,
 *     once with nats.js's js.publish and once with the AckPublisher the service uses; the faster of
 *     the two in a round is the baseline every ratio of that round is taken against;
 * (b) HTTP: `--clients` concurrent senders, each POSTing batches of `--batch` events (fetch, keep-alive);
 * (c) NATS: the same over request/reply on `reverie.cmd.ingest`.
 * `--in-process` runs the service inside this process instead (the old set-up: the load generator's
 * work then competes with the service for one event loop). `--profile <dir>` writes a CPU profile
 * of the service process per phase (and of each projection catch-up with BENCH_PROFILE_CATCH_UP=1).
 * After each ingest phase the bench waits for the sessions projection to catch up and reports how
 * long that took and the service CPU it used meanwhile (the projection's cost of the phase's events).
 */
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { mkdir } from 'node:fs/promises';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { ROUTES, topology as makeTopology } from '@reverie/contracts';
import { AckPublisher, streamConfig } from '@reverie/event-store';
import { NATS_API_KEY_HEADER } from '@reverie/ingest-client';
import { TEST_NATS_URL } from '@reverie/testing';
import { benchEvent } from './bench-event';
import { processCpuSeconds } from './proc-cpu';
import { childProcessService, inProcessService, type BenchService } from './service-host';
import { intArg, quantile, stringArg } from '../bench-args';


const round = (v: number, d = 1) => Math.round(v * 10 ** d) / 10 ** d;
/** The element with the median key (the lower middle one for an even count). */
const medianBy = <T>(items: T[], key: (t: T) => number): T => [...items].sort((a, b) => key(a) - key(b))[Math.floor((items.length - 1) / 2)];

/** CPU µs per event spent during a phase, per process (bench = this process). */
type CpuPerEvent = Record<'bench' | 'service' | 'nats-server' | 'postgres', number | undefined>;

interface Result {
  path: string; events: number; seconds: number; eventsPerSecond: number; ratioToRaw?: number;
  batchP50Ms?: number; batchP99Ms?: number; batches?: number;
  cpuMicrosPerEvent?: CpuPerEvent;
  /** Time the sessions projection needed after the phase to catch up with it. */
  projectionCatchUpSeconds?: number;
  /** Service CPU µs per event of the phase spent while the projection caught up (mostly the projection). */
  catchUpServiceCpuMicrosPerEvent?: number;
  /** Events over phase + catch-up time: the rate at which the read model, not only the log, keeps up. */
  withProjectionEventsPerSecond?: number;
}

/** Measures CPU per process around a phase. */
async function metered<R extends Result>(service: BenchService, work: () => Promise<R>): Promise<R> {
  const procs = ['nats-server', 'postgres'] as const;
  const before = { bench: process.cpuUsage(), service: await service.cpuSeconds(), procs: processCpuSeconds(procs) };
  const r = await work();
  const benchCpu = process.cpuUsage(before.bench);
  const serviceAfter = await service.cpuSeconds();
  const procsAfter = processCpuSeconds(procs);
  // A negative difference means processes exited during the phase (their time left the sum): unknown.
  const per = (seconds: number | undefined) => (seconds === undefined || seconds < 0 ? undefined : round((seconds * 1e6) / r.events));
  r.cpuMicrosPerEvent = {
    bench: per((benchCpu.user + benchCpu.system) / 1e6),
    service: serviceAfter === undefined || before.service === undefined ? undefined : per(serviceAfter - before.service),
    'nats-server': procsAfter && before.procs ? per(procsAfter['nats-server'] - before.procs['nats-server']) : undefined,
    postgres: procsAfter && before.procs ? per(procsAfter.postgres - before.procs.postgres) : undefined,
  };
  return r;
}

/**
 * A stream configured like SESSIONS (file storage, same dedup window and limits) that nothing
 * consumes, so the raw publishes do not land in the service's projection.
 */
async function rawStream(nc: NatsConnection, namespace: string): Promise<{ subject: (i: number) => string; remove(): Promise<void> }> {
  const jsm = await jetstreamManager(nc);
  const t = makeTopology(namespace);
  const name = `${t.streamName('sessions')}_RAWBENCH`;
  await jsm.streams.add({ ...streamConfig(t, 'sessions'), name, subjects: [`${namespace}.rawbench.>`] });
  return { subject: (i) => `${namespace}.rawbench.r${i % 100}`, remove: () => jsm.streams.delete(name).then(() => undefined) };
}

/** How a raw publish is made: nats.js's `js.publish`, or the AckPublisher the service's event store uses. */
type RawClient = 'js.publish' | 'AckPublisher';

async function rawPublish(nc: NatsConnection, client: RawClient, subject: (i: number) => string, n: number, payloadBytes: number, run: string): Promise<Result> {
  const js = jetstream(nc);
  const publisher = new AckPublisher(nc);
  const publish = client === 'js.publish'
    ? (subj: string, data: Uint8Array, msgID: string) => js.publish(subj, data, { msgID })
    : (subj: string, data: Uint8Array, msgID: string) => {
      const h = natsHeaders();
      h.set('Nats-Msg-Id', msgID);
      return publisher.publish(subj, data, h);
    };
  const payload = new TextEncoder().encode(JSON.stringify(benchEvent('raw', 0)).padEnd(payloadBytes, ' ').slice(0, payloadBytes));
  const inFlight = 1000;
  let next = 0;
  const start = performance.now();
  const worker = async () => {
    while (next < n) {
      const i = next++;
      await publish(subject(i), payload, `${run}-${i}`);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const seconds = (performance.now() - start) / 1000;
  return { path: `raw JetStream publish, ${client} (1000 in flight)`, events: n, seconds: round(seconds, 2), eventsPerSecond: Math.round(n / seconds) };
}

/** The request bodies, serialised before the clock starts. */
function bodies(run: string, n: number, batchSize: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i += batchSize) out.push(JSON.stringify({ events: Array.from({ length: Math.min(batchSize, n - i) }, (_, k) => benchEvent(run, i + k)) }));
  return out;
}

async function batched(pathName: string, payloads: string[], events: number, clients: number, send: (body: string) => Promise<number>): Promise<Result> {
  const latencies: number[] = [];
  let next = 0;
  let accepted = 0;
  const start = performance.now();
  await Promise.all(Array.from({ length: clients }, async () => {
    while (next < payloads.length) {
      const body = payloads[next++];
      const t0 = performance.now();
      const n = await send(body);
      accepted += n;
      latencies.push(performance.now() - t0);
    }
  }));
  const seconds = (performance.now() - start) / 1000;
  if (accepted !== events) throw new Error(`${pathName}: ${accepted} of ${events} events accepted`);
  latencies.sort((a, b) => a - b);
  return { path: pathName, events: accepted, seconds: round(seconds, 2), eventsPerSecond: Math.round(accepted / seconds), batchP50Ms: round(quantile(latencies, 0.5)), batchP99Ms: round(quantile(latencies, 0.99)), batches: latencies.length };
}

/** Waits until the service's sessions projection has caught up; returns how long that took. */
async function projectionIdle(nc: NatsConnection, namespace: string): Promise<number> {
  const jsm = await jetstreamManager(nc);
  const t = makeTopology(namespace);
  const start = performance.now();
  for (;;) {
    const info = await jsm.consumers.info(t.streamName('sessions'), t.consumerName('session-ingest', 'sessions-projection'));
    if (info.num_pending === 0 && info.num_ack_pending === 0) return round((performance.now() - start) / 1000, 2);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function main(): Promise<void> {
  const n = intArg('events', 20_000);
  const batchSize = intArg('batch', 500);
  const clients = intArg('clients', 4);
  const roundCount = intArg('rounds', 3);
  const asJson = process.argv.includes('--json');
  const inProcess = process.argv.includes('--in-process');
  const profileDir = stringArg('profile');
  const maxBatch = Math.max(1000, batchSize);
  // By default the service process gets the V8/Node flags this process was started with, so the
  // raw baseline and the service run under the same heap settings.
  const serviceNodeOptions = stringArg('service-node-options')?.split(/\s+/).filter(Boolean) ?? process.execArgv.filter((a) => !/^--(cpu-prof|heap-prof|inspect)/.test(a));
  if (process.argv.includes('--compare-sealing')) return compareSealing(maxBatch, serviceNodeOptions, n, batchSize, clients, roundCount, asJson);
  const service = inProcess ? await inProcessService(maxBatch) : await childProcessService(maxBatch, serviceNodeOptions);
  const nc = await connect({ servers: TEST_NATS_URL, noAsyncTraces: true, name: 'bench-ingest-load' });
  const ns = service.namespace;
  const subject = makeTopology(ns).command('ingest');
  const encoder = new TextEncoder();
  const viaHttp = async (body: string) => {
    const res = await fetch(`${service.url}${ROUTES.ingestEvents}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': service.key }, body });
    const json = (await res.json()) as { accepted: number };
    if (res.status !== 202) throw new Error(`HTTP ${res.status}: ${JSON.stringify(json).slice(0, 300)}`);
    return json.accepted;
  };
  const viaNats = async (body: string) => {
    const h = natsHeaders();
    h.set(NATS_API_KEY_HEADER, service.key);
    const reply = await nc.request(subject, encoder.encode(body), { headers: h, timeout: 60_000 });
    const json = JSON.parse(new TextDecoder().decode(reply.data)) as { accepted: number; error?: unknown };
    if (json.error) throw new Error(`NATS: ${JSON.stringify(json.error)}`);
    return json.accepted;
  };
  const profiled = async <R extends Result>(name: string, work: () => Promise<R>): Promise<R> => {
    if (!profileDir) return work();
    await mkdir(profileDir, { recursive: true });
    const p = await service.profile();
    const r = await work();
    await p.stop(path.join(profileDir, `service-${name}.cpuprofile`));
    return r;
  };
  const catchUp = async (r: Result) => {
    const before = await service.cpuSeconds();
    const catchUpProfile = profileDir && process.env.BENCH_PROFILE_CATCH_UP ? await service.profile() : undefined;
    r.projectionCatchUpSeconds = await projectionIdle(nc, ns);
    if (catchUpProfile && profileDir) await catchUpProfile.stop(path.join(profileDir, `service-catch-up-${Date.now()}.cpuprofile`));
    const after = await service.cpuSeconds();
    if (before !== undefined && after !== undefined) r.catchUpServiceCpuMicrosPerEvent = round(((after - before) * 1e6) / r.events);
    r.withProjectionEventsPerSecond = Math.round(r.events / (r.seconds + r.projectionCatchUpSeconds));
  };
  try {
    const sampleBytes = Buffer.byteLength(JSON.stringify(benchEvent('x', 1)));
    // Warm-up of both paths: JIT, pools, connections.
    await batched('warm-up HTTP', bodies('warmh', 2000, batchSize), 2000, clients, viaHttp);
    await batched('warm-up NATS', bodies('warmn', 2000, batchSize), 2000, clients, viaNats);
    await projectionIdle(nc, ns);
    const rawTarget = await rawStream(nc, ns);
    await rawPublish(nc, 'js.publish', rawTarget.subject, 5000, sampleBytes, 'warmj');
    await rawPublish(nc, 'AckPublisher', rawTarget.subject, 5000, sampleBytes, 'warma');
    // Rounds of raw → HTTP → NATS, so that each path's ratio compares it with a raw rate measured
    // moments before on the same machine load; the summary takes the median round of each.
    const rounds: Result[][] = [];
    for (let k = 0; k < roundCount; k++) {
      const rawJs = await metered(service, () => rawPublish(nc, 'js.publish', rawTarget.subject, n, sampleBytes, `rawj${k}`));
      const rawAck = await metered(service, () => rawPublish(nc, 'AckPublisher', rawTarget.subject, n, sampleBytes, `rawa${k}`));
      // The baseline is the faster of the two raw clients in this round.
      const raw = rawAck.eventsPerSecond >= rawJs.eventsPerSecond ? rawAck : rawJs;
      const httpBodies = bodies(`http${k}`, n, batchSize);
      const http = await profiled(`http-${k}`, () => metered(service, () => batched(`HTTP ${ROUTES.ingestEvents} (${clients} clients × ${batchSize}/batch)`, httpBodies, n, clients, viaHttp)));
      await catchUp(http);
      const natsBodies = bodies(`nats${k}`, n, batchSize);
      const nats = await profiled(`nats-${k}`, () => metered(service, () => batched(`NATS ${subject} (${clients} clients × ${batchSize}/batch)`, natsBodies, n, clients, viaNats)));
      await catchUp(nats);
      for (const r of [http, nats]) r.ratioToRaw = round(r.eventsPerSecond / raw.eventsPerSecond, 2);
      for (const r of [rawJs, rawAck]) r.ratioToRaw = round(r.eventsPerSecond / raw.eventsPerSecond, 2);
      rounds.push([rawJs, rawAck, http, nats]);
      if (!asJson) process.stderr.write(`round ${k + 1}/${roundCount}: raw js.publish ${rawJs.eventsPerSecond}/s, raw AckPublisher ${rawAck.eventsPerSecond}/s, HTTP ${http.eventsPerSecond}/s (${http.ratioToRaw}), NATS ${nats.eventsPerSecond}/s (${nats.ratioToRaw})\n`);
    }
    const results = [0, 1, 2, 3].map((p) => medianBy(rounds.map((r) => r[p]), (r) => r.ratioToRaw ?? r.eventsPerSecond));
    const report = {
      bench: 'ingest', mode: inProcess ? 'in-process' : 'service in a child process', benchNodeOptions: process.execArgv, serviceNodeOptions, eventBytes: sampleBytes, events: n, batchSize, clients,
      cpus: cpus().length, loadAverage: loadavg().map((l) => round(l, 2)), rounds, results,
    };
    if (asJson) {
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    } else {
      const cpu = (r: Result) => Object.values(r.cpuMicrosPerEvent ?? {}).map((v) => v ?? '-').join(' / ');
      const rows = results.map((r) => `| ${r.path} | ${r.events} | ${r.eventsPerSecond} | ${r.ratioToRaw ?? 1} | ${r.batchP50Ms ?? '-'} | ${r.batchP99Ms ?? '-'} | ${cpu(r)} | ${r.projectionCatchUpSeconds ?? '-'} | ${r.catchUpServiceCpuMicrosPerEvent ?? '-'} | ${r.withProjectionEventsPerSecond ?? '-'} |`);
      process.stdout.write([
        `ingest bench (${report.mode}): ${n} events of ~${report.eventBytes} B a phase, median of ${roundCount} rounds, load average ${report.loadAverage.join(' ')}`,
        '| path | events | events/s | ratio to raw | batch p50 ms | batch p99 ms | CPU µs/event bench / service / nats-server / postgres | projection catch-up s | service CPU µs/event during catch-up | events/s incl. projection catch-up |',
        '|---|---|---|---|---|---|---|---|---|---|',
        ...rows,
        '',
        JSON.stringify(report),
        '',
      ].join('\n'));
    }
    await rawTarget.remove();
  } finally {
    await nc.drain().catch(() => undefined);
    await service.stop();
  }
}

/**
 * The cost of sealing session content (crypto-shredding): the same HTTP ingest phase against two
 * services in child processes, one sealing (as in production) and one not (INGEST_SEAL_CONTENT=false),
 * alternating round by round; reports the service CPU µs per event of each and their ratio.
 */
async function compareSealing(maxBatch: number, execArgv: string[], n: number, batchSize: number, clients: number, roundCount: number, asJson: boolean): Promise<void> {
  const sealing = await childProcessService(maxBatch, execArgv, { sealContent: true });
  const plain = await childProcessService(maxBatch, execArgv, { sealContent: false });
  const nc = await connect({ servers: TEST_NATS_URL, noAsyncTraces: true, name: 'bench-ingest-sealing' });
  const send = (s: BenchService) => async (body: string) => {
    const res = await fetch(`${s.url}${ROUTES.ingestEvents}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': s.key }, body });
    const json = (await res.json()) as { accepted: number };
    if (res.status !== 202) throw new Error(`HTTP ${res.status}: ${JSON.stringify(json).slice(0, 300)}`);
    return json.accepted;
  };
  try {
    for (const s of [sealing, plain]) {
      await batched('warm-up', bodies(`warm-${s.namespace}`, 4000, batchSize), 4000, clients, send(s));
      await projectionIdle(nc, s.namespace);
    }
    const on: number[] = [];
    const off: number[] = [];
    for (let k = 0; k < roundCount; k++) {
      for (const [s, into] of [[sealing, on], [plain, off]] as const) {
        const r = await metered(s, () => batched(`HTTP ${into === on ? 'sealing' : 'plain'}`, bodies(`seal${k}-${s.namespace}`, n, batchSize), n, clients, send(s)));
        into.push(r.cpuMicrosPerEvent?.service ?? NaN);
        await projectionIdle(nc, s.namespace);
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
    const report = {
      bench: 'ingest-sealing', events: n, batchSize, clients, rounds: roundCount, cpus: cpus().length, loadAverage: loadavg().map((l) => round(l, 2)),
      serviceCpuMicrosPerEvent: { sealing: on, plain: off }, median: { sealing: median(on), plain: median(off) }, ratio: round(median(on) / median(off), 3),
    };
    process.stdout.write(asJson ? `${JSON.stringify(report, null, 2)}\n` : [
      `sealing session content, HTTP ingest of ${n} events a round (${clients} clients × ${batchSize}/batch), ${roundCount} rounds alternating, load average ${report.loadAverage.join(' ')}`,
      `  service CPU µs/event: plain ${report.median.plain} (rounds ${off.join(', ')}), sealing ${report.median.sealing} (rounds ${on.join(', ')})`,
      `  sealing / plain = ${report.ratio} (target: under 1.15)`,
      JSON.stringify(report),
      '',
    ].join('\n'));
  } finally {
    await nc.drain().catch(() => undefined);
    await sealing.stop();
    await plain.stop();
  }
}

main().catch((err) => {
  process.stderr.write(`bench/ingest failed: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});

/**
 * A dream through the running services, phase by phase, next to the pure pipeline (pipeline.ts,
 * the same code run.ts times) over the same sessions in this process.
 *
 *   npm run build && node dist/bench/dream/service.js [--sessions 10000] [--seed 7] [--clients 4] [--batch 500]
 *                                                     [--dreams 3] [--profile <dir>] [--json out.json]
 *                                                     [--dreaming-node-options="<V8 flags>"]
 *
 * 1. Generates `--sessions` synthetic sessions (createSyntheticCorpus, tenant acme; timed apart)
 *    and runs the pure pipeline over them here: extractSignals, planDream, the template writer.
 * 2. Provisions a fresh namespace on the local NATS and a fresh migrated database, and starts
 *    session-ingest, lesson-governance (which applies the dream's lesson proposals: it alone
 *    writes LESSONS) and dreaming, each in a child process of its own (service.child.ts) as in
 *    production (session-ingest with --max-semi-space-size=64 as tools/services.sh starts it).
 * 3. Ingests every session over HTTP with @reverie/ingest-client (`--clients` clients sending
 *    batches of `--batch` events), then waits for the SESSIONS consumers of both services to catch up.
 * 4. POSTs /v1/dreams, and takes the time until its DreamCompleted is seen on DREAMS (a core NATS
 *    subscription on the tenant's dream subjects), then confirms it with GET /v1/dreams/:id. The
 *    runner's own phases come from its 'dream completed' log line (`phasesMs`). `--dreams N`
 *    dreams the same window N times (the stored signals and the window are reset in between; the
 *    lessons stay, so later dreams propose nothing new): the first is a fresh service's dream,
 *    the medians smooth out the machine's other load. The pure pipeline runs N times too.
 * 5. After each dream, reads the window back from SESSIONS here with the same ordered consumer the
 *    reader uses, with JSON.parse (and once without decoding): the raw baseline of the stream read.
 * Exits non-zero if a dream (request to completion) takes more than 30 s or does not complete.
 * `--profile <dir>` writes a V8 CPU profile of the dreaming process over the first dream.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Client as PgClient } from 'pg';
import { ROUTES, type DreamView, type SessionEvent } from '@reverie/contracts';
import { createSyntheticCorpus } from '@reverie/dreaming-domain';
import { consumerSpecsOf } from '@reverie/event-store';
import { createIngestClient, type IngestEvent } from '@reverie/ingest-client';
import { natsTestEnv, pgTestEnv, TEST_NATS_URL } from '@reverie/testing';
import { readToEnd } from '../../libs/event-store/src/ordered-read';
import { intArg, stringArg } from '../bench-args';
import { measurePipeline, type PipelineMeasure } from './pipeline';

const TENANT = 'acme';
const TARGET_MS = 30_000;
const round = (v: number, d = 1) => Math.round(v * 10 ** d) / 10 ** d;

/** A service in its own process (service.child.ts). */
interface Child {
  url: string;
  ask(msg: Record<string, unknown>, answer: string): Promise<Record<string, unknown>>;
  /** The next message of this type. */
  next(type: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  cpuSeconds(): Promise<number>;
  stop(): Promise<void>;
}

async function startChild(app: 'session-ingest' | 'lesson-governance' | 'dreaming', env: Record<string, string>, execArgv: string[]): Promise<Child> {
  const child = fork(path.join(__dirname, 'service.child.js'), [], {
    execArgv, env: { ...process.env, ...env, BENCH_APP: app }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  // Messages are queued per type, so a message that arrives before anyone waits for it is kept.
  const queued = new Map<string, Record<string, unknown>[]>();
  const waiting = new Map<string, ((m: Record<string, unknown>) => void)[]>();
  let exited: Error | undefined;
  child.on('message', (m: Record<string, unknown>) => {
    const type = String(m?.type);
    const w = waiting.get(type)?.shift();
    if (w) w(m);
    else queued.set(type, [...(queued.get(type) ?? []), m]);
  });
  const exitPromise = new Promise<never>((_, reject) => child.on('exit', (code) => {
    exited = new Error(`the ${app} process exited (code ${code})`);
    reject(exited);
  }));
  exitPromise.catch(() => undefined);
  const next = (type: string, timeoutMs = 600_000): Promise<Record<string, unknown>> => {
    const q = queued.get(type);
    if (q?.length) return Promise.resolve(q.shift() as Record<string, unknown>);
    if (exited) return Promise.reject(exited);
    return new Promise((resolve, reject) => {
      const remove = () => waiting.set(type, (waiting.get(type) ?? []).filter((x) => x !== w));
      const timer = setTimeout(() => {
        remove();
        reject(new Error(`${app}: no '${type}' message within ${timeoutMs} ms`));
      }, timeoutMs);
      const w = (m: Record<string, unknown>) => {
        clearTimeout(timer);
        resolve(m);
      };
      waiting.set(type, [...(waiting.get(type) ?? []), w]);
      exitPromise.catch((err: Error) => {
        clearTimeout(timer);
        remove();
        reject(err);
      });
    });
  };
  const ready = await next('ready', 60_000);
  const ask = (msg: Record<string, unknown>, answer: string) => {
    const reply = next(answer);
    child.send(msg);
    return reply;
  };
  return {
    url: String(ready.url), ask, next,
    async cpuSeconds() {
      const { usage } = (await ask({ type: 'cpu' }, 'cpu')) as { usage: NodeJS.CpuUsage };
      return (usage.user + usage.system) / 1e6;
    },
    async stop() {
      if (exited) return;
      await ask({ type: 'stop' }, 'stopped').catch(() => undefined);
      await waitExit(child);
    },
  };
}

const waitExit = (child: ChildProcess) => new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));

/** Waits until each durable consumer has nothing pending or unacknowledged; returns when each got there (ms). */
async function consumersIdle(nc: NatsConnection, stream: string, consumers: string[]): Promise<Record<string, number>> {
  const jsm = await jetstreamManager(nc);
  const start = performance.now();
  const idleAt: Record<string, number> = {};
  for (;;) {
    if (performance.now() - start > 600_000) throw new Error(`SESSIONS consumers not idle after 10 min: ${JSON.stringify(idleAt)}`);
    const infos = await Promise.all(consumers.filter((c) => idleAt[c] === undefined).map((c) => jsm.consumers.info(stream, c)));
    for (const i of infos) if (i.num_pending === 0 && i.num_ack_pending === 0) idleAt[i.name] = round(performance.now() - start);
    if (consumers.every((c) => idleAt[c] !== undefined)) return idleAt;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The stream read without the reader: the same ordered consumer, (a) bytes only, (b) JSON.parse of each message. */
async function rawRead(nc: NatsConnection, stream: string, filterSubject: string, decode: boolean): Promise<{ ms: number; messages: number; bytes: number }> {
  const js = jetstream(nc);
  const t0 = performance.now();
  let messages = 0, bytes = 0;
  const decoder = new TextDecoder();
  for await (const m of readToEnd(js, stream, filterSubject, { maxMessages: 1000 })) {
    messages++;
    bytes += m.data.length;
    if (decode && (JSON.parse(decoder.decode(m.data)) as { id?: string }).id === undefined) throw new Error('a message without an id');
  }
  return { ms: performance.now() - t0, messages, bytes };
}

/** The event as a publisher sends it: the service fills tenantId, recordedAt and schemaVersion. */
function asPublished(e: SessionEvent): IngestEvent {
  const { tenantId: _t, recordedAt: _r, schemaVersion: _s, ...rest } = e;
  return rest as IngestEvent;
}

interface DreamRun {
  id: string;
  /** POST /v1/dreams → DreamCompleted seen on DREAMS. */
  requestToCompletedMs: number;
  /** The answer of POST /v1/dreams. */
  postMs: number;
  /** The runner's phases (its 'dream completed' log line). */
  phasesMs: Record<string, number>;
  counts: Record<string, number>;
  /** CPU seconds the dreaming process used from the request to completion. */
  cpuSeconds: number;
}

interface Report {
  bench: 'dream-service';
  sessions: number; events: number; seed: number; clients: number; batch: number;
  node: string; cpus: number; loadAverage: number[]; dreamingNodeOptions: string[];
  generateMs: number;
  /** The pure pipeline, once per dream, in this process. */
  pure: PipelineMeasure[];
  ingest: { ms: number; eventsPerSecond: number; accepted: number; duplicates: number; rejected: number; catchUpMs: number; catchUpMsByConsumer: Record<string, number> };
  /** The first dream, then the same window dreamt again after its signals and window were reset. */
  dreams: DreamRun[];
  rawRead: { ms: number; messages: number; bytes: number };
  /** Once per dream. */
  rawReadDecode: { ms: number; messages: number; bytes: number }[];
}

const median = (xs: number[]): number => {
  const a = [...xs].sort((x, y) => x - y);
  return a.length % 2 ? a[(a.length - 1) / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
};

async function main(): Promise<void> {
  const sessions = intArg('sessions', 10_000);
  const seed = intArg('seed', 7);
  const clientCount = intArg('clients', 4);
  const batch = intArg('batch', 500);
  const dreamCount = intArg('dreams', 3);
  const profileDir = stringArg('profile');
  const jsonOut = stringArg('json');
  const log = (s: string) => process.stderr.write(`${s}\n`);

  // 1. The sessions, once, and the pure pipeline over them (once per dream, for medians).
  const corpus = createSyntheticCorpus({ seed, sessions, tenantId: TENANT });
  const g0 = performance.now();
  const all: SessionEvent[][] = Array.from({ length: sessions }, (_, i) => corpus.session(i));
  const generateMs = performance.now() - g0;
  const pure: PipelineMeasure[] = [];
  for (let k = 0; k < dreamCount; k++) pure.push(await measurePipeline(sessions, (i) => all[i]));
  const events = pure[0].events;
  log(`generated ${sessions} sessions (${events} events) in ${(generateMs / 1000).toFixed(1)} s; pure pipeline ${pure.map((m) => (m.extractMs + m.planMs + m.writerMs).toFixed(0)).join(', ')} ms`);

  // 2. Namespace, database, services.
  const nats = await natsTestEnv({ consumers: [...consumerSpecsOf('session-ingest'), ...consumerSpecsOf('lesson-governance'), ...consumerSpecsOf('dreaming')] });
  const pg = await pgTestEnv();
  const t = nats.topology;
  const apiKey = `bench-key-${t.namespace}`;
  const env = {
    NATS_URL: TEST_NATS_URL, DATABASE_URL: pg.url, REVERIE_NAMESPACE: t.namespace, PORT: '0', HOST: '127.0.0.1',
    // One operator key: it ingests the sessions and, as a reviewer, asks for the dream.
    REVERIE_API_KEYS: `${apiKey}:${TENANT}:ingest+reviewer`,
    // One key sends thousands of batches: per-key rate limits would measure the limiter.
    REVERIE_RATE_LIMIT_PER_MINUTE: '0',
  };
  // The services get this process's V8 flags (bar profiling and heap size); session-ingest also
  // --max-semi-space-size=64, as tools/services.sh starts it; --dreaming-node-options overrides dreaming's.
  const inherited = process.execArgv.filter((a) => !/^--(cpu-prof|heap-prof|inspect|max-old-space-size)/.test(a));
  const dreamingNodeOptions = stringArg('dreaming-node-options')?.split(/\s+/).filter(Boolean) ?? inherited;
  const children: Child[] = [];
  const db = new PgClient({ connectionString: pg.url });
  try {
    const ingestSvc = await startChild('session-ingest', env, [...inherited, '--max-semi-space-size=64']);
    children.push(ingestSvc);
    children.push(await startChild('lesson-governance', env, inherited));
    const dreaming = await startChild('dreaming', env, dreamingNodeOptions);
    children.push(dreaming);
    await db.connect();

    // 3. Ingest: sessions dealt round-robin to the clients, each sending its sessions' events in order.
    const perClient: IngestEvent[][] = Array.from({ length: clientCount }, () => []);
    all.forEach((s, i) => { for (const e of s) perClient[i % clientCount].push(asPublished(e)); });
    all.length = 0; // the ingest copies are all that is kept from here on
    const clients = perClient.map(() => createIngestClient({ transport: 'http', baseUrl: ingestSvc.url, apiKey }, { batchSize: batch }));
    const i0 = performance.now();
    const answers = await Promise.all(clients.map((c, k) => c.sendBatch(perClient[k])));
    const ingestMs = performance.now() - i0;
    await Promise.all(clients.map((c) => c.close()));
    const accepted = answers.reduce((n, a) => n + a.accepted, 0);
    const duplicates = answers.reduce((n, a) => n + a.duplicates, 0);
    const rejected = answers.reduce((n, a) => n + a.rejected.length, 0);
    if (accepted !== events) throw new Error(`ingest: ${accepted} of ${events} events accepted (${rejected} rejected: ${JSON.stringify(answers.flatMap((a) => a.rejected).slice(0, 3))})`);
    perClient.length = 0;
    const catchUp = await consumersIdle(nats.nc, t.streamName('sessions'), [t.consumerName('session-ingest', 'sessions-projection'), t.consumerName('dreaming', 'session-signals')]);
    const catchUpMs = Math.max(...Object.values(catchUp));
    log(`ingested ${accepted} events in ${(ingestMs / 1000).toFixed(1)} s (${Math.round(accepted / (ingestMs / 1000))} ev/s); consumers caught up after ${JSON.stringify(catchUp)} ms`);

    // 4. The dreams; 5. the raw stream read after each.
    const ended = new Map<string, { type: string; at: number }>();
    const sub = nats.nc.subscribe(t.tenantWildcard('dreams', TENANT), {
      callback: (_err, m) => {
        const e = JSON.parse(new TextDecoder().decode(m.data)) as { type: string; streamId: string };
        if (e.type === 'DreamCompleted' || e.type === 'DreamFailed') ended.set(e.streamId, { type: e.type, at: performance.now() });
      },
    });
    await nats.nc.flush();
    const filter = t.tenantWildcard('sessions', TENANT);
    const dreams: DreamRun[] = [];
    const rawReadDecode: Report['rawReadDecode'] = [];
    for (let k = 0; k < dreamCount; k++) {
      if (k > 0) {
        // The same window again: the signals and the window are forgotten, the lessons (and the lesson index) stay.
        await db.query(`DELETE FROM dreaming_session_signals WHERE tenant_id = $1`, [TENANT]);
        await db.query(`UPDATE dreaming_tenant_state SET last_dream_to_seq = 0 WHERE tenant_id = $1`, [TENANT]);
      }
      const profile = profileDir && k === 0;
      if (profile) {
        await mkdir(profileDir, { recursive: true });
        await dreaming.ask({ type: 'profile' }, 'profile');
      }
      const cpu0 = await dreaming.cpuSeconds();
      const d0 = performance.now();
      const res = await fetch(`${dreaming.url}${ROUTES.dreams}`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': apiKey }, body: JSON.stringify({ trigger: 'manual' }),
      });
      const requested = (await res.json()) as DreamView;
      const postMs = performance.now() - d0;
      if (res.status !== 202) throw new Error(`POST ${ROUTES.dreams} answered ${res.status}: ${JSON.stringify(requested)}`);
      const deadline = d0 + 10 * TARGET_MS;
      while (!ended.has(requested.id) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      const end = ended.get(requested.id);
      if (!end) throw new Error(`dream ${requested.id} did not end within ${(10 * TARGET_MS) / 1000} s`);
      const cpu1 = await dreaming.cpuSeconds();
      if (profile) await dreaming.ask({ type: 'profile-stop', file: path.join(profileDir, `dreaming-${sessions}.cpuprofile`) }, 'profile-stop');
      const viewRes = await fetch(`${dreaming.url}${ROUTES.dream(requested.id)}`, { headers: { 'x-api-key': apiKey } });
      const view = (await viewRes.json()) as DreamView;
      if (view.status !== 'completed') throw new Error(`dream ${requested.id} ended ${view.status}: ${view.error ?? ''}`);
      const logged = (await dreaming.next('log', 10_000)).line as { phasesMs: Record<string, number>; dreamId: string };
      if (logged.dreamId !== requested.id) throw new Error(`the 'dream completed' line is for ${logged.dreamId}, not ${requested.id}`);
      dreams.push({
        id: requested.id, requestToCompletedMs: round(end.at - d0), postMs: round(postMs), phasesMs: logged.phasesMs,
        counts: view.counts ?? {}, cpuSeconds: round(cpu1 - cpu0, 2),
      });
      const raw = await rawRead(nats.nc, t.streamName('sessions'), filter, true);
      rawReadDecode.push({ ...raw, ms: round(raw.ms) });
      log(`dream ${k + 1}/${dreamCount}: ${((end.at - d0) / 1000).toFixed(2)} s (runner ${JSON.stringify(logged.phasesMs)}); raw read + JSON.parse ${(raw.ms / 1000).toFixed(2)} s`);
    }
    sub.unsubscribe();
    const rawReadResult = await rawRead(nats.nc, t.streamName('sessions'), filter, false);

    const report: Report = {
      bench: 'dream-service', sessions, events, seed, clients: clientCount, batch,
      node: process.version, cpus: cpus().length, loadAverage: loadavg().map((l) => round(l, 2)), dreamingNodeOptions,
      generateMs: round(generateMs), pure,
      ingest: { ms: round(ingestMs), eventsPerSecond: Math.round(accepted / (ingestMs / 1000)), accepted, duplicates, rejected, catchUpMs: round(catchUpMs), catchUpMsByConsumer: catchUp },
      dreams, rawRead: { ...rawReadResult, ms: round(rawReadResult.ms) }, rawReadDecode,
    };
    printReport(report);
    if (jsonOut) await writeFile(jsonOut, JSON.stringify(report, null, 2));
    const slowest = Math.max(...dreams.map((d) => d.requestToCompletedMs));
    if (slowest > TARGET_MS) {
      console.error(`TARGET MISSED: a dream of ${sessions} sessions took ${(slowest / 1000).toFixed(1)} s (> ${TARGET_MS / 1000} s)`);
      process.exitCode = 1;
    }
  } finally {
    await db.end().catch(() => undefined);
    for (const c of children.reverse()) await c.stop();
    await nats.cleanup();
    await pg.cleanup();
  }
}

function printReport(r: Report): void {
  const first = r.dreams[0];
  const med = (pick: (d: DreamRun) => number | undefined) => {
    const xs = r.dreams.map(pick).filter((x): x is number => x !== undefined);
    return xs.length ? median(xs) : undefined;
  };
  const medPure = (pick: (m: PipelineMeasure) => number) => median(r.pure.map(pick));
  const s = (ms: number | undefined) => (ms === undefined ? '–' : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 1 : 0)} ms`);
  // A ratio of two times under a millisecond says nothing.
  const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || a < 1 || b < 1 ? '–' : `${(a / b).toFixed(2)}x`);
  const phase = (name: string) => (d: DreamRun) => d.phasesMs[name];
  type Row = [string, (d: DreamRun) => number | undefined, string, number | undefined];
  const rows: Row[] = [
    ['**dream: POST /v1/dreams → DreamCompleted on DREAMS**', (d) => d.requestToCompletedMs, 'extract + plan + writer', medPure((m) => m.extractMs + m.planMs + m.writerMs)],
    ['· request (claim, DreamRequested) and hand-off to the runner', (d) => d.requestToCompletedMs - d.phasesMs.total, '', undefined],
    ['· start (tenant state, window, DreamStarted)', phase('start'), '', undefined],
    ['· lesson index wait', phase('lessonIndexWait'), '', undefined],
    ['· stream read (dream input reader, net)', phase('read'), 'ordered read + JSON.parse, bench process', median(r.rawReadDecode.map((x) => x.ms))],
    ['· sessions with stored signals (Postgres lookup)', phase('readKnown'), '', undefined],
    ['· sessions read whole (per-session aggregate reads)', phase('readWhole'), '', undefined],
    ['· signals (extractSignals)', phase('signals'), 'extractSignals', medPure((m) => m.extractMs)],
    ['· naive baseline sizing (JSON of failed sessions)', phase('naiveChars'), '', undefined],
    ['· signals upsert (Postgres)', phase('signalsUpsert'), '', undefined],
    ['· signals load (Postgres, every session of the tenant)', phase('signalsLoad'), '', undefined],
    ['· existing lessons (Postgres)', phase('existingLessons'), '', undefined],
    ['· mining (planDream)', phase('mining'), 'planDream', medPure((m) => m.planMs)],
    ['· writer (template)', phase('writer'), 'template writer', medPure((m) => m.writerMs)],
    ['· appends (lesson events, claim release, DreamCompleted)', phase('appends'), '', undefined],
  ];
  const lines = [
    `dream through the services: ${r.sessions} sessions, ${r.events} events, seed ${r.seed}; ${r.cpus} CPUs, load average ${r.loadAverage.join(' ')}; node ${r.node}`,
    `ingest: ${r.events} events over HTTP (${r.clients} clients × ${r.batch}/batch) in ${s(r.ingest.ms)}, ${r.ingest.eventsPerSecond} ev/s; SESSIONS consumers idle ${s(r.ingest.catchUpMs)} later (${Object.entries(r.ingest.catchUpMsByConsumer).map(([c, ms]) => `${c.replace(/^[^_]+_[^_]+_/, '')} ${s(ms)}`).join(', ')})`,
    `dreams: ${r.dreams.map((d) => s(d.requestToCompletedMs)).join(', ')} (first on a fresh service, then the same window again); dreaming CPU ${r.dreams.map((d) => `${d.cpuSeconds} s`).join(', ')}`,
    `raw stream read in the bench process: ${s(r.rawRead.ms)} without decoding (${r.rawRead.messages} messages, ${(r.rawRead.bytes / 1048576).toFixed(0)} MiB); pure iterate + JSON.stringify ${s(medPure((m) => m.baselineMs))}`,
    `| phase | first dream | median of ${r.dreams.length} | pure pipeline / raw, median of ${r.pure.length} (same sessions) | | median ÷ pure |`,
    '|---|---|---|---|---|---|',
    ...rows.map(([name, pick, pureName, pureMs]) => `| ${name} | ${s(pick(first))} | ${s(med(pick))} | ${pureName || '–'} | ${s(pureMs)} | ${ratio(med(pick), pureMs)} |`),
    `counts of the first dream: ${JSON.stringify(first.counts)}; pure: ${r.pure[0].candidates} candidates, ${r.pure[0].proposals} proposals`,
    '',
    JSON.stringify(r),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err) => {
  process.stderr.write(`bench/dream/service failed: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});

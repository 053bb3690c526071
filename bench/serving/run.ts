/**
 * Serving throughput and latency: requests/s and p50/p99 of GET /v1/agents/:id/lessons (ranked for
 * a task and tools, within the default budget, each answer recorded on SERVING) at 100, 1k and 10k
 * active lessons, against a bare `node:http` server answering the same JSON body, in the same run.
 * Both servers run in a child process of their own; the load generator (autocannon) runs here.
 *
 *   npm run build && node dist/bench/serving/run.js [--sizes 100,1000,10000] [--seconds 8] [--connections 20]
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { newId, type LessonClaim } from '@reverie/contracts';
import { CONSUMERS, EventStore } from '@reverie/event-store';
import { decide, evolveAll, toEnvelopes, type LessonCommandMetadata } from '@reverie/lesson-domain';
import { natsTestEnv, pgTestEnv, TEST_NATS_URL } from '@reverie/testing';
import { intArg, intListArg, stringArg } from '../bench-args';

const TENANT = 'bench';
const AGENT = 'bench-agent';
const AGENT_KEY = 'bench-agent-key-00001';
const TOOLS = ['Bash', 'Read', 'Edit', 'Write', 'Grep', 'WebFetch', 'get_reservation_details', 'cancel_reservation', 'update_address', 'search_flights'];
const WORDS = ['build', 'publish', 'migration', 'schema', 'deploy', 'lockfile', 'reservation', 'refund', 'cache', 'index', 'branch', 'review', 'tests', 'lint', 'docker', 'secret', 'token', 'payment', 'address', 'flight'];
const TASK = 'publish the package after the schema migration and the tests';

const claim = (i: number): LessonClaim => {
  const w = (k: number) => WORDS[(i * 7 + k * 3) % WORDS.length];
  return {
    kind: i % 3 === 0 ? 'preference' : 'mistake',
    scope: { tenantId: TENANT, ...(i % 4 !== 0 && { agentId: AGENT }), tools: [TOOLS[i % TOOLS.length], TOOLS[(i + 3) % TOOLS.length]], taskCluster: `${w(1)} the ${w(2)} ${w(3)}` },
    text: `Lesson ${i}: before ${w(1)} run the ${w(2)} check; without it the ${w(3)} step failed with a ${w(4)} error in ${3 + (i % 9)} sessions (${2 + (i % 4)} users).`,
    fingerprint: `bench-${i}`,
    support: { sessions: 3 + (i % 9), distinctUsers: 2 + (i % 4), occurrences: 5, firstSeen: '2026-02-01T00:00:00.000Z', lastSeen: '2026-02-02T00:00:00.000Z' },
    effectSize: null,
    confidence: 0.3 + (i % 7) / 10,
    evidence: { refs: [], counts: {} },
  };
};

/** Proposes and approves lessons [from, to) through the lesson decider, appended as governance would. */
async function seed(store: EventStore, from: number, to: number): Promise<void> {
  const now = new Date().toISOString();
  const one = async (i: number) => {
    const lessonId = newId();
    const dreaming: LessonCommandMetadata = { now, actor: { kind: 'service', id: 'dreaming' }, correlationId: 'bench' };
    const proposed = decide({ type: 'ProposeLesson', data: { ...claim(i), dreamId: 'bench-dream', policyCheck: { verdict: 'pass', violations: [] } }, metadata: dreaming }, evolveAll([]));
    const p = toEnvelopes(TENANT, lessonId, proposed, dreaming, () => newId());
    const reviewer: LessonCommandMetadata = { now, actor: { kind: 'reviewer', id: 'rita' }, correlationId: 'bench' };
    const approved = toEnvelopes(TENANT, lessonId, decide({ type: 'ApproveLesson', data: {}, metadata: reviewer }, evolveAll(p)), reviewer, () => newId());
    await store.appendToAggregate('lessons', [...p, ...approved], 0);
  };
  for (let i = from; i < to; i += 200) await Promise.all(Array.from({ length: Math.min(200, to - i) }, (_, k) => one(i + k)));
}

function child(env: Record<string, string>): Promise<{ proc: ChildProcess; url: string }> {
  // --profile <dir>: the serving child writes a CPU profile there when it stops.
  const profile = env.BENCH_TARGET === 'serving' ? stringArg('profile') : undefined;
  const execArgv = profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [];
  const proc = fork(path.join(__dirname, 'server.child.js'), [], { env: { ...process.env, ...env }, execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    proc.once('message', (m: { type: string; url: string }) => resolve({ proc, url: m.url }));
    proc.once('exit', (code) => reject(new Error(`bench child exited with ${code}`)));
  });
}

async function load(url: string, seconds: number, connections: number): Promise<{ rps: number; p50: number; p99: number; errors: number; non2xx: number }> {
  const r = await autocannon({ url, connections, duration: seconds, headers: { 'x-api-key': AGENT_KEY } });
  return { rps: Math.round(r.requests.average), p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts, non2xx: r.non2xx };
}

async function main(): Promise<void> {
  const sizes = intListArg('sizes', [100, 1000, 10_000]);
  const seconds = intArg('seconds', 8);
  const connections = intArg('connections', 20);
  const nats = await natsTestEnv({ consumers: CONSUMERS });
  const pg = await pgTestEnv();
  const store = new EventStore(nats.nc, nats.topology);
  const db = new Client({ connectionString: pg.url });
  await db.connect();
  const env = {
    NATS_URL: TEST_NATS_URL, DATABASE_URL: pg.url, REVERIE_NAMESPACE: nats.topology.namespace, PORT: '0', LOG_LEVEL: 'warn',
    REVERIE_RATE_LIMIT_PER_MINUTE: '0', REVERIE_API_KEYS: `${AGENT_KEY}:${TENANT}:agent`, BENCH_TARGET: 'serving',
  };
  const serving = await child(env);
  const bare = await child({ BENCH_TARGET: 'bare' });
  const route = `/v1/agents/${AGENT}/lessons?sessionId=bench-session&task=${encodeURIComponent(TASK)}&tools=Bash,Read,Edit`;
  const rows: string[] = [];
  let floor = '';
  try {
    // The floor of this stack: the same service's unauthenticated /health (Nest on Fastify, no Postgres, no NATS).
    await load(`${serving.url}/health`, 2, connections);
    const h = await load(`${serving.url}/health`, seconds, connections);
    floor = `Floor of the stack, GET /health on the same service: ${h.rps} req/s, p50 ${h.p50} ms, p99 ${h.p99} ms.`;
    console.log(floor);
    let seeded = 0;
    for (const size of sizes) {
      await seed(store, seeded, size);
      seeded = size;
      for (let t = Date.now(); ; await new Promise((r) => setTimeout(r, 200))) {
        const { rows: [{ n }] } = await db.query('SELECT count(*)::int AS n FROM serving_active_lessons WHERE tenant_id = $1', [TENANT]);
        if (n >= size) break;
        if (Date.now() - t > 300_000) throw new Error(`the serving projection did not reach ${size} lessons`);
      }
      const sample = await fetch(`${serving.url}${route}`, { headers: { 'x-api-key': AGENT_KEY } });
      const body = await sample.text();
      if (!sample.ok) throw new Error(`serving answered ${sample.status}: ${body}`);
      await new Promise<void>((resolve) => { bare.proc.once('message', () => resolve()); bare.proc.send({ type: 'body', body }); });
      await load(`${serving.url}${route}`, 2, connections); // warm-up
      const s = await load(`${serving.url}${route}`, seconds, connections);
      const b = await load(`${bare.url}${route}`, seconds, connections);
      const served = (JSON.parse(body) as { lessons: unknown[] }).lessons.length;
      rows.push(`| ${size} | ${served} | ${body.length} | ${s.rps} | ${s.p50} | ${s.p99} | ${b.rps} | ${b.p50} | ${b.p99} | ${(s.rps / b.rps).toFixed(2)} | ${s.errors + s.non2xx} |`);
      console.log(rows[rows.length - 1]);
    }
  } finally {
    serving.proc.send({ type: 'stop' });
    await new Promise((r) => serving.proc.once('exit', r));
    bare.proc.kill();
    await db.end();
    await nats.cleanup();
    await pg.cleanup();
  }
  console.log(`\nGET ${route.split('?')[0]} ranked for a task and 3 tools, default budget; ${connections} connections, ${seconds} s each; one process each, load generator in this one.\n`);
  console.log(`${floor}\n`);
  console.log('| active lessons | served | body bytes | serving req/s | p50 ms | p99 ms | bare req/s | bare p50 | bare p99 | ratio | errors |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(r);
}

void main().catch((err) => { console.error(err); process.exit(1); });

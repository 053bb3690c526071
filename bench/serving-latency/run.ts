/**
 * Approve → served latency: how long after a reviewer's approval (HTTP 200 from lesson-governance)
 * agent-serving hands the lesson to an agent; then rollback → withdrawn: how long after an
 * approver's rollback agents stop being served it (the bound: within a second). Starts both services in-process on an isolated
 * namespace and database of the real NATS and Postgres, seeds N proposals, then approves them one
 * at a time, polling the serving API back to back after each approval.
 *
 *   npm run build && node dist/bench/serving-latency/run.js [--approvals 50]
 *
 * Reported against the raw operation the path is made of, measured in the same run: one awaited
 * JetStream publish (publish + ack round trip).
 */
import { newId, type LessonClaim, type ServedLesson } from '@reverie/contracts';
import { CONSUMERS, EventStore } from '@reverie/event-store';
import { textHashOf, toEnvelopes } from '@reverie/lesson-domain';
import { natsTestEnv, pgTestEnv, TEST_NATS_URL } from '@reverie/testing';
import { createApp as createGovernance } from '../../apps/lesson-governance/src/app.factory';
import { loadGovernanceConfig } from '../../apps/lesson-governance/src/config/governance.config';
import { createApp as createServing } from '../../apps/agent-serving/src/app.factory';
import { loadServingConfig } from '../../apps/agent-serving/src/config/serving.config';
import { intArg, quantile } from '../bench-args';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';

const TENANT = 'bench';
/** Operator keys for the bench's tenant: one approves, one is the agent being served. */
const APPROVER_KEY = 'bench-approver-key-0001';
const AGENT_KEY = 'bench-agent-key-00001';
const AGENT = 'bench-agent';


const summary = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const r = (v: number) => Math.round(v * 100) / 100;
  return { p50: r(quantile(s, 0.5)), p90: r(quantile(s, 0.9)), p99: r(quantile(s, 0.99)), max: r(s[s.length - 1]), n: s.length };
};

const claim = (i: number): LessonClaim => ({
  kind: 'mistake',
  scope: { tenantId: TENANT, agentId: AGENT },
  text: `Benchmark lesson ${i}: run the build before publishing.`,
  fingerprint: `bench-${i}`,
  support: { sessions: 3, distinctUsers: 2, occurrences: 3, firstSeen: '2025-02-01T00:00:00.000Z', lastSeen: '2025-02-02T00:00:00.000Z' },
  effectSize: null,
  confidence: 0.7,
  evidence: { refs: [], counts: {} },
});

async function main(): Promise<void> {
  const approvals = intArg('approvals', 50);
  const nats = await natsTestEnv({ consumers: CONSUMERS });
  const pg = await pgTestEnv();
  const store = new EventStore(nats.nc, nats.topology);
  const env = {
    NATS_URL: TEST_NATS_URL, DATABASE_URL: pg.url, REVERIE_NAMESPACE: nats.topology.namespace, PORT: '0', LOG_LEVEL: 'warn',
    // A benchmark polls back to back: per-key rate limits would measure the limiter.
    REVERIE_RATE_LIMIT_PER_MINUTE: '0',
    REVERIE_API_KEYS: `${APPROVER_KEY}:${TENANT}:approver,${AGENT_KEY}:${TENANT}:agent`,
  };
  const governance = await createGovernance(loadGovernanceConfig(env), { handleSignals: false });
  const serving = await createServing(loadServingConfig(env), { handleSignals: false });
  try {
    // Raw reference: one awaited JetStream publish at a time.
    const raw: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t = performance.now();
      await jetstream(nats.nc).publish(nats.topology.deadletterSubject('bench-raw'), new Uint8Array(1024));
      raw.push(performance.now() - t);
    }

    const ids = Array.from({ length: approvals }, () => newId());
    // As governance records a dream's proposal: the claim and the guardrails' pass (in review).
    const proposals = ids.flatMap((id, i) => toEnvelopes(TENANT, id, [
      { type: 'LessonProposed', data: { ...claim(i), dreamId: 'bench-dream' } },
      { type: 'LessonPolicyChecked', data: { textVersion: 1, textHash: textHashOf(claim(i).text), verdict: 'pass', violations: [] } },
    ], { now: new Date().toISOString(), actor: { kind: 'service', id: 'dreaming' }, correlationId: 'bench' }, () => newId()));
    await store.appendMany('lessons', proposals);
    // Measure steady state: let both LESSONS projections fold the seeded proposals first.
    const jsm = await jetstreamManager(nats.nc);
    const durables = [nats.topology.consumerName('lesson-governance', 'lessons-projection'), nats.topology.consumerName('agent-serving', 'active-lessons')];
    for (const durable of durables) {
      for (const deadline = Date.now() + 30_000; ;) {
        const info = await jsm.consumers.info(nats.topology.streamName('lessons'), durable);
        if (info.num_pending === 0 && info.num_ack_pending === 0) break;
        if (Date.now() > deadline) throw new Error(`${durable} did not catch up with the seeded proposals in 30 s`);
        await new Promise((r) => setTimeout(r, 20));
      }
    }

    const approveMs: number[] = [];
    const servedMs: number[] = [];
    let polls = 0;
    for (const id of ids) {
      const t0 = performance.now();
      const res = await fetch(`${governance.url}/v1/lessons/${id}/approve`, {
        method: 'POST', headers: { 'x-api-key': APPROVER_KEY, 'content-type': 'application/json' }, body: JSON.stringify({}),
      });
      if (res.status !== 200) throw new Error(`approve ${id} answered ${res.status}: ${await res.text()}`);
      approveMs.push(performance.now() - t0);
      const deadline = Date.now() + 10_000;
      for (;;) {
        polls++;
        const answer = (await (await fetch(`${serving.url}/v1/agents/${AGENT}/lessons`, { headers: { 'x-api-key': AGENT_KEY } })).json()) as { lessons: ServedLesson[] };
        if (answer.lessons.some((l) => l.id === id)) break;
        if (Date.now() > deadline) throw new Error(`lesson ${id} not served 10 s after its approval`);
      }
      servedMs.push(performance.now() - t0);
      if (servedMs[servedMs.length - 1] > 250) process.stdout.write(`  slow: approval #${servedMs.length} took ${Math.round(servedMs[servedMs.length - 1])} ms\n`);
    }

    // Rollback → withdrawn: how long after an approver's rollback (HTTP 200) agents stop being served the lesson.
    const rollbackMs: number[] = [];
    for (const id of ids) {
      const t0 = performance.now();
      const res = await fetch(`${governance.url}/v1/lessons/${id}/rollback`, {
        method: 'POST', headers: { 'x-api-key': APPROVER_KEY, 'content-type': 'application/json' }, body: JSON.stringify({ reason: 'bench' }),
      });
      if (res.status !== 200) throw new Error(`rollback ${id} answered ${res.status}: ${await res.text()}`);
      const deadline = Date.now() + 10_000;
      for (;;) {
        const answer = (await (await fetch(`${serving.url}/v1/agents/${AGENT}/lessons`, { headers: { 'x-api-key': AGENT_KEY } })).json()) as { lessons: ServedLesson[] };
        if (!answer.lessons.some((l) => l.id === id)) break;
        if (Date.now() > deadline) throw new Error(`lesson ${id} still served 10 s after its rollback`);
      }
      rollbackMs.push(performance.now() - t0);
    }

    const rawS = summary(raw);
    const served = summary(servedMs);
    const rolledBack = summary(rollbackMs);
    const result = {
      bench: 'serving-latency',
      approvals,
      approveHttpMs: summary(approveMs),
      approveToServedMs: served,
      rollbackToWithdrawnMs: rolledBack,
      servingPollsPerApproval: Math.round((polls / approvals) * 10) / 10,
      rawJetStreamPublishAckMs: rawS,
      ratioP50ToRawPublish: Math.round(quantile([...servedMs].sort((a, b) => a - b), 0.5) / quantile([...raw].sort((a, b) => a - b), 0.5)),
    };
    process.stdout.write(
      `approve → served over ${approvals} approvals: p50 ${served.p50} ms, p90 ${served.p90} ms, p99 ${served.p99} ms, max ${served.max} ms\n` +
        `rollback → no longer served over ${approvals} rollbacks: p50 ${rolledBack.p50} ms, p99 ${rolledBack.p99} ms, max ${rolledBack.max} ms\n` +
        `  approve HTTP alone: p50 ${result.approveHttpMs.p50} ms, p99 ${result.approveHttpMs.p99} ms; ${result.servingPollsPerApproval} serving polls per approval\n` +
        `  raw JetStream publish+ack: p50 ${rawS.p50} ms → approve→served p50 = ${result.ratioP50ToRawPublish} x raw publish\n` +
        `${JSON.stringify(result)}\n`,
    );
  } finally {
    await serving.shutdown();
    await governance.shutdown();
    await nats.cleanup();
    await pg.cleanup();
  }
}

main().catch((err) => {
  process.stderr.write(`serving-latency: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});

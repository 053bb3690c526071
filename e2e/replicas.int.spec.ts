/**
 * Scale-out (issue 14 item 6): two replicas of every service, on the real NATS and Postgres, give
 * the same results as one. The sessions projection runs in four partitions, which the two
 * session-ingest replicas share (two each, through leases); every other projection is applied by
 * one replica while the other stands by. The same loop (ingest through both ingest replicas,
 * dream, approve on one governance replica, be served by each serving replica) runs once with one
 * replica of each service and once with two, each in a namespace and database of its own; the
 * session read model, the proposed lesson and what is served are compared.
 */
import { ROUTES, SERVICE_NAMES, type DreamView, type LessonView, type ServedLesson, type ServiceName } from '@reverie/contracts';
import { createLogger, type ServiceHandle } from '@reverie/service-kit';
import { deleteNamespaceStreams, eventually, pgTestEnv, TEST_NATS_URL, TEST_RETENTION_ENV, uniqueNamespace, type PgTestEnv } from '@reverie/testing';
import { Client } from 'pg';
import { createApp as createServing } from '../apps/agent-serving/src/app.factory';
import { loadServingConfig } from '../apps/agent-serving/src/config/serving.config';
import { cliConfig } from '../apps/cli/src/cli-config';
import { setupCommand } from '../apps/cli/src/commands/setup.command';
import { createApp as createDreaming } from '../apps/dreaming/src/app.factory';
import { loadDreamingConfig } from '../apps/dreaming/src/config/dreaming.config';
import { createApp as createGovernance } from '../apps/lesson-governance/src/app.factory';
import { loadGovernanceConfig } from '../apps/lesson-governance/src/config/governance.config';
import { createApp as createIngest } from '../apps/session-ingest/src/app.factory';
import { loadIngestConfig } from '../apps/session-ingest/src/config/ingest.config';
import { apiKeysSpec, awaitPublishMistakeProposal, E2E_KEYS, publishWithoutBuildSessions } from './fixtures';

jest.setTimeout(180_000);

const PARTITIONS = '4';
const { acme } = E2E_KEYS;

interface LoopResult {
  sessions: { session_id: string; events: number; messages: number; tool_calls: number; tool_errors: number; outcome: string | null }[];
  lesson: { kind: string; text: string; sessions: number };
  served: string[][];
  /** Which replica leads each lease (two-replica run: both share the work). */
  leases: { projection: string; lease_owner: string }[];
}

async function runLoop(replicas: 1 | 2, pg: PgTestEnv): Promise<LoopResult> {
  const namespace = uniqueNamespace('rep');
  // The shared server reserves each stream's byte cap: the test's retention, not production's 1.25 GiB per namespace.
  const base = { NATS_URL: TEST_NATS_URL, DATABASE_URL: pg.url, REVERIE_NAMESPACE: namespace, REVERIE_SESSION_PARTITIONS: PARTITIONS, REVERIE_PROJECTION_LEASE_SECONDS: '3', ...TEST_RETENTION_ENV };
  await setupCommand(cliConfig(base), { json: true, result: () => undefined, note: () => undefined }, base);
  const apps = {} as Record<ServiceName, ServiceHandle[]>;
  const start = async (s: ServiceName, replica: number): Promise<ServiceHandle> => {
    const env = { ...base, PORT: '0', LOG_LEVEL: 'silent', REVERIE_API_KEYS: apiKeysSpec(), REVERIE_REPLICA_ID: `${s}-r${replica}` };
    const opts = { handleSignals: false, logger: createLogger(s, 'silent') };
    switch (s) {
      case 'session-ingest': return createIngest(loadIngestConfig(env), opts);
      case 'dreaming': return createDreaming(loadDreamingConfig(env), opts);
      case 'lesson-governance': return createGovernance(loadGovernanceConfig(env), opts);
      case 'agent-serving': return createServing(loadServingConfig(env), opts);
    }
  };
  const db = new Client({ connectionString: pg.url });
  await db.connect();
  try {
    for (const s of SERVICE_NAMES) {
      apps[s] = [];
      for (let r = 0; r < replicas; r++) apps[s].push(await start(s, r));
    }
    const http = async <T>(s: ServiceName, replica: number, route: string, key: string, body?: unknown): Promise<{ status: number; body: T }> => {
      const res = await fetch(`${apps[s][replica % replicas].url}${route}`, { method: body ? 'POST' : 'GET', headers: { 'content-type': 'application/json', 'x-api-key': key }, body: body ? JSON.stringify(body) : undefined });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
    };

    if (replicas === 2) {
      await eventually(async () => {
        const rows: { lease_owner: string }[] = (await db.query(`SELECT lease_owner FROM projection_checkpoints WHERE projection LIKE 'session-ingest.sessions#p%' AND lease_until > now()`)).rows;
        return rows.length === 4 && rows.filter((r) => r.lease_owner === 'session-ingest-r0').length === 2;
      }, { what: 'the two session-ingest replicas lead two partitions each', timeoutMs: 30_000 });
    }

    // Each session through one ingest replica, alternating.
    const sessions = publishWithoutBuildSessions('acme', 6);
    for (const [i, events] of sessions.entries()) expect((await http('session-ingest', i, ROUTES.ingestEvents, acme.ingest, { events })).status).toBe(202);
    await eventually(async () => Number((await db.query('SELECT coalesce(sum(events), 0)::int AS n FROM ingest_sessions')).rows[0].n) === sessions.flat().length, { what: 'every event projected' });

    const requested = await http<DreamView>('dreaming', 0, ROUTES.dreams, acme.reviewer, { trigger: 'manual' });
    const { lesson } = await awaitPublishMistakeProposal(requested, (s, route, key) => http(s, replicas - 1, route, key), acme.reviewer);
    const approved = await http<LessonView>('lesson-governance', replicas - 1, ROUTES.approveLesson(lesson.id), acme.approver, { note: 'seen it happen' });
    expect(approved.status).toBe(200);
    const served: string[][] = [];
    for (let r = 0; r < replicas; r++) {
      served.push(await eventually(async () => {
        const s = (await http<{ lessons: ServedLesson[] }>('agent-serving', r, ROUTES.agentLessons('release-bot'), acme.agent)).body;
        return s.lessons.some((l) => l.id === lesson.id) ? s.lessons.map((l) => l.text).sort() : undefined;
      }, { what: `lesson served by agent-serving replica ${r}`, timeoutMs: 15_000 }));
    }
    return {
      sessions: (await db.query('SELECT session_id, events, messages, tool_calls, tool_errors, outcome FROM ingest_sessions ORDER BY session_id')).rows,
      lesson: { kind: lesson.kind, text: lesson.text, sessions: lesson.support.sessions },
      served,
      leases: (await db.query(`SELECT projection, lease_owner FROM projection_checkpoints WHERE lease_until > now() ORDER BY projection`)).rows,
    };
  } finally {
    for (const s of SERVICE_NAMES) for (const app of apps[s] ?? []) await app.shutdown('test done');
    await db.end();
    await deleteNamespaceStreams(namespace);
  }
}

describe('two replicas of every service give the same results as one', () => {
  const dbs: PgTestEnv[] = [];
  afterAll(async () => {
    for (const d of dbs) await d.cleanup();
  });

  it('ingests, projects in shared partitions, dreams, approves and serves the same', async () => {
    dbs.push(await pgTestEnv(), await pgTestEnv());
    const one = await runLoop(1, dbs[0]);
    const two = await runLoop(2, dbs[1]);

    expect(two.sessions).toEqual(one.sessions);
    expect(two.sessions).toHaveLength(6);
    expect(two.lesson).toEqual(one.lesson);
    expect(two.served).toEqual([one.served[0], one.served[0]]);
    // With two replicas, the work was shared: both session-ingest replicas lead sessions partitions,
    // and every other projection is led by exactly one replica of its service.
    const sessionLeases = two.leases.filter((l) => l.projection.startsWith('session-ingest.sessions#p'));
    expect(sessionLeases.map((l) => l.lease_owner).sort()).toEqual(['session-ingest-r0', 'session-ingest-r0', 'session-ingest-r1', 'session-ingest-r1']);
    const others = two.leases.filter((l) => !l.projection.startsWith('session-ingest.sessions#p'));
    expect(others.length).toBeGreaterThanOrEqual(5);
    for (const l of others) expect(l.lease_owner).toMatch(/-r[01]$/);
  });
});

/**
 * Prometheus metrics on every service (prom-client), over the real services: what happened shows
 * in the numbers (events ingested and rejected, a dream's run, lessons by status, lessons served,
 * consumers up with their lag, DEADLETTER's depth, HTTP latencies by route), and no label names a
 * tenant, a user or a session.
 */
import { ROUTES, SERVICE_NAMES, type DreamView, type ServiceName, type SessionEvent } from '@reverie/contracts';
import { SessionBuilder } from '@reverie/dreaming-domain';
import { CONSUMERS } from '@reverie/event-store';
import { createLogger, type ServiceHandle } from '@reverie/service-kit';
import { eventually, natsTestEnv, operatorKeys, pgTestEnv, type NatsTestEnv, type PgTestEnv } from '@reverie/testing';
import { createApp as createServing } from '../apps/agent-serving/src/app.factory';
import { loadServingConfig } from '../apps/agent-serving/src/config/serving.config';
import { createApp as createDreaming } from '../apps/dreaming/src/app.factory';
import { loadDreamingConfig } from '../apps/dreaming/src/config/dreaming.config';
import { createApp as createGovernance } from '../apps/lesson-governance/src/app.factory';
import { loadGovernanceConfig } from '../apps/lesson-governance/src/config/governance.config';
import { createApp as createIngest } from '../apps/session-ingest/src/app.factory';
import { loadIngestConfig } from '../apps/session-ingest/src/config/ingest.config';

jest.setTimeout(120_000);

const { keys: KEYS, REVERIE_API_KEYS } = operatorKeys({ ingest: { tenant: 'acme-metrics-tenant', roles: 'ingest' }, ops: { tenant: 'acme-metrics-tenant', roles: 'admin+reviewer' }, agent: { tenant: 'acme-metrics-tenant', roles: 'agent' } });

const session = (id: string, user: string, day: number): SessionEvent[] => {
  const b = new SessionBuilder('acme-metrics-tenant', id, 'release-bot', user, Date.UTC(2026, 10, day, 9));
  b.start('Publish the package');
  b.tool('Bash', { command: 'npm publish' }, "npm ERR! enoent ENOENT: no such file or directory, open 'dist/index.js'", true);
  b.tool('Bash', { command: 'npm run build' }, 'built', false);
  b.tool('Bash', { command: 'npm publish' }, '+ pkg@1.0.0', false);
  return b.end('success').map(({ tenantId: _t, recordedAt: _r, ...e }) => e as SessionEvent);
};

/** The value of one sample of the Prometheus text format (a metric with labels containing every `labels` pair). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('metrics (prom-client on every service, real NATS and Postgres)', () => {
  let nats: NatsTestEnv;
  let pg: PgTestEnv;
  const apps = {} as Record<ServiceName, ServiceHandle>;
  const call = async <T>(service: ServiceName, method: string, route: string, key: string, body?: unknown) => {
    const res = await fetch(`${apps[service].url}${route}`, { method, headers: { 'x-api-key': key, ...(body !== undefined && { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as T };
  };
  const scrape = async (s: ServiceName) => {
    const res = await fetch(`${apps[s].url}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    return res.text();
  };

  beforeAll(async () => {
    nats = await natsTestEnv({ consumers: CONSUMERS });
    pg = await pgTestEnv();
    const env = { NATS_URL: 'nats://127.0.0.1:4222', DATABASE_URL: pg.url, REVERIE_NAMESPACE: nats.topology.namespace, PORT: '0', LOG_LEVEL: 'silent', REVERIE_API_KEYS, GOVERNANCE_CLOCK_SECONDS: '0' };
    const logger = (s: ServiceName) => createLogger(s, 'silent');
    apps['session-ingest'] = await createIngest(loadIngestConfig(env), { handleSignals: false, logger: logger('session-ingest') });
    apps['lesson-governance'] = await createGovernance(loadGovernanceConfig(env), { handleSignals: false, logger: logger('lesson-governance') });
    apps.dreaming = await createDreaming(loadDreamingConfig(env), { handleSignals: false, logger: logger('dreaming') });
    apps['agent-serving'] = await createServing(loadServingConfig(env), { handleSignals: false, logger: logger('agent-serving') });
  });

  afterAll(async () => {
    for (const s of [...SERVICE_NAMES].reverse()) await apps[s]?.shutdown('test done');
    await nats?.cleanup();
    await pg?.cleanup();
  });

  it('counts what happened, per service, without naming a tenant, user or session', async () => {
    const events = [...session('m-1', 'u1', 1), ...session('m-2', 'u2', 2), ...session('m-3', 'u3', 3)];
    const bad = { ...events[0], id: 'not-valid', type: 'UserMessageRecorded', data: { seq: 99 } };
    const ingested = await call<{ accepted: number; rejected: unknown[] }>('session-ingest', 'POST', ROUTES.ingestEvents, KEYS.ingest.key, { events: [...events, bad] });
    expect(ingested.body.rejected).toHaveLength(1);
    const requested = await call<DreamView>('dreaming', 'POST', ROUTES.dreams, KEYS.ops.key, { trigger: 'manual' });
    await eventually(async () => (await call<DreamView>('dreaming', 'GET', ROUTES.dream(requested.body.id), KEYS.ops.key)).body.status === 'completed', { what: 'the dream' });
    await call('agent-serving', 'GET', ROUTES.agentLessons('release-bot'), KEYS.agent.key);

    const ingest = await scrape('session-ingest');
    expect(sample(ingest, 'reverie_ingest_events_total', { result: 'accepted' })).toBe(events.length);
    expect(sample(ingest, 'reverie_ingest_events_total', { result: 'rejected' })).toBe(1);
    expect(sample(ingest, 'reverie_ingest_rejections_total')).toBe(1);
    expect(sample(ingest, 'reverie_http_request_duration_seconds_count', { route: '/v1/events', status: '207' })).toBe(1);
    expect(sample(ingest, 'reverie_consumer_up', { consumer: nats.topology.consumerName('session-ingest', 'sessions-projection') })).toBe(1);
    expect(sample(ingest, 'reverie_deadletter_messages')).toBe(0);
    expect(sample(ingest, 'reverie_process_cpu_seconds_total')).toBeGreaterThan(0);

    const dreaming = await scrape('dreaming');
    expect(sample(dreaming, 'reverie_dreams_total', { outcome: 'completed' })).toBe(1);
    expect(sample(dreaming, 'reverie_dream_candidates_total')).toBeGreaterThanOrEqual(1);
    expect(sample(dreaming, 'reverie_dream_duration_seconds_count')).toBe(1);
    expect(sample(dreaming, 'reverie_consumer_lag_messages', { consumer: nats.topology.consumerName('dreaming', 'session-signals') })).toBeGreaterThanOrEqual(0);
    expect(sample(dreaming, 'reverie_consumer_redelivered_messages', { consumer: nats.topology.consumerName('dreaming', 'session-signals') })).toBeGreaterThanOrEqual(0);

    const governance = await eventually(async () => {
      const t = await scrape('lesson-governance');
      return (sample(t, 'reverie_lessons', { status: 'in-review' }) ?? 0) >= 1 ? t : undefined;
    }, { what: 'lessons by status' });
    expect(sample(governance, 'reverie_consumer_up', { consumer: nats.topology.consumerName('lesson-governance', 'lessons-projection') })).toBe(1);

    const serving = await scrape('agent-serving');
    expect(sample(serving, 'reverie_http_request_duration_seconds_count', { route: '/v1/agents/:agentId/lessons', status: '200' })).toBe(1);
    expect(serving).toContain('reverie_lessons_served_total');

    for (const text of [ingest, dreaming, governance, serving]) {
      expect(text).not.toMatch(/acme-metrics-tenant|m-1|\bu1\b|release-bot/);
    }
  });
});

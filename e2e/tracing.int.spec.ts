import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { CONSUMERS, EventStore, type StoredEvent } from '@reverie/event-store';
import { ROUTES, type LessonEvent } from '@reverie/contracts';
import { startTracing, type ServiceHandle } from '@reverie/service-kit';
import { eventually, natsTestEnv, pgTestEnv, TEST_NATS_URL, type NatsTestEnv, type PgTestEnv } from '@reverie/testing';
import { createApp as createIngestApp } from '../apps/session-ingest/src/app.factory';
import { loadIngestConfig } from '../apps/session-ingest/src/config/ingest.config';
import { createApp as createDreamingApp } from '../apps/dreaming/src/app.factory';
import { loadDreamingConfig } from '../apps/dreaming/src/config/dreaming.config';
import { createApp as createGovernanceApp } from '../apps/lesson-governance/src/app.factory';
import { loadGovernanceConfig } from '../apps/lesson-governance/src/config/governance.config';
import { publishWithoutBuildSessions } from './fixtures';
import { jetstreamManager } from '@nats-io/jetstream';

jest.setTimeout(60_000);

/**
 * One trace from an HTTP ingest call to the lesson proposal it caused: the context travels in
 * NATS headers from the ingested events, through the dreaming service's session consumer (which
 * triggers a dream every 3 sessions), to the DREAMS events the dream appends, and with its
 * proposal request to lesson-governance, to the LESSONS event governance appends.
 */
describe('trace context across NATS', () => {
  const exporter = new InMemorySpanExporter();
  const tracing = startTracing('reverie-trace-test', { exporter });
  let nats: NatsTestEnv;
  let pg: PgTestEnv;
  let ingest: ServiceHandle;
  let dreaming: ServiceHandle;
  let governance: ServiceHandle;

  beforeAll(async () => {
    nats = await natsTestEnv({ consumers: CONSUMERS });
    pg = await pgTestEnv();
    const common = { NATS_URL: TEST_NATS_URL, DATABASE_URL: pg.url, REVERIE_NAMESPACE: nats.topology.namespace, PORT: '0', LOG_LEVEL: 'silent' };
    ingest = await createIngestApp(loadIngestConfig({ ...common, REVERIE_API_KEYS: 'trace-test-key-0001:acme:ingest' }), { handleSignals: false });
    governance = await createGovernanceApp(loadGovernanceConfig(common), { handleSignals: false });
    dreaming = await createDreamingApp(loadDreamingConfig({ ...common, REVERIE_DREAM_EVERY_SESSIONS: '3' }), { handleSignals: false });
  });
  afterAll(async () => {
    await dreaming?.shutdown('test done');
    await governance?.shutdown('test done');
    await ingest?.shutdown('test done');
    await nats?.cleanup();
    await pg?.cleanup();
    await tracing.shutdown();
  });

  it('carries the ingest request trace to the LessonProposed it caused', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await fetch(`${ingest.url}${ROUTES.ingestEvents}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'trace-test-key-0001', traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
      body: JSON.stringify({ events: publishWithoutBuildSessions('acme', 3).flat() }),
    });
    expect(res.status).toBe(202);

    const store = new EventStore(nats.nc, nats.topology);
    const proposed = await eventually(async () => {
      const events = await store.readSubject<LessonEvent>('lessons', nats.topology.tenantWildcard('lessons', 'acme'));
      return events.find((e) => e.event.type === 'LessonProposed');
    }, { what: 'a lesson proposed by the session-count dream', timeoutMs: 30_000 });

    const headers = await messageHeaders(proposed);
    expect(headers.get('traceparent')).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-0[01]$`));
    // The same trace holds the ingest HTTP span, the consumer batch that triggered the dream, its work, and governance's answer.
    const spans = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
    const names = spans.map((s) => s.name);
    expect(names.some((n) => n.includes(ROUTES.ingestEvents))).toBe(true);
    expect(names.some((n) => n.includes('dreaming--session-signals'))).toBe(true);
    expect(names.some((n) => n.includes(nats.topology.command('lessons.propose', 'acme')))).toBe(true);
  });

  async function messageHeaders(stored: StoredEvent): Promise<Map<string, string>> {
    const jsm = await jetstreamManager(nats.nc);
    const msg = (await jsm.streams.getMessage(nats.topology.streamName('lessons'), { seq: stored.seq }))!;
    const out = new Map<string, string>();
    for (const k of msg.header?.keys() ?? []) out.set(k.toLowerCase(), msg.header.get(k));
    return out;
  }
});

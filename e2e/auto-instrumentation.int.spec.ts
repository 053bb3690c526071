/**
 * OpenTelemetry auto-instrumentation in a real service process: the compiled dreaming service
 * (its main registers the instrumentations before anything loads http or pg) exports OTLP/JSON to
 * a receiver of this test's own. One trace holds the HTTP server span of POST /v1/dreams, the
 * Postgres queries under it, the NATS message it published (trace context in the headers) and the
 * Anthropic SDK's call to a local fake of the Messages API: the SDK's span, its fetch span below
 * it, whose traceparent the fake received. No span records the API keys or a query-string value; probes are not traced.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { ROUTES, type DreamView } from '@reverie/contracts';
import { CONSUMERS, EventStore } from '@reverie/event-store';
import { startFakeAnthropic, type FakeAnthropicServer } from '@reverie/synthesis';
import { eventually, freePort, natsTestEnv, operatorKeys, pgTestEnv, TEST_NATS_URL, type NatsTestEnv, type PgTestEnv } from '@reverie/testing';
import { publishWithoutBuildSessions } from './fixtures';

jest.setTimeout(90_000);

const ROOT = path.resolve(__dirname, '..');
const TENANT = 'traced';
const ANTHROPIC_KEY = 'sk-ant-tracing-test-secret-0001';
const QUERY_SECRET = 'query-secret-0001';
const { keys, REVERIE_API_KEYS } = operatorKeys({ reviewer: { tenant: TENANT, roles: 'reviewer' } });
const SPAN_KIND = { server: 2, client: 3 };

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: { key: string; value: { stringValue?: string; intValue?: number | string } }[];
}
const attr = (span: OtlpSpan, key: string) => {
  const value = span.attributes?.find((a) => a.key === key)?.value;
  return value?.stringValue ?? value?.intValue;
};

/** An OTLP/HTTP receiver: collects the spans of every JSON export to /v1/traces, and the service names. */
async function otlpReceiver() {
  const spans: OtlpSpan[] = [];
  const services = new Set<string>();
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      for (const rs of JSON.parse(body).resourceSpans ?? []) {
        const name = rs.resource?.attributes?.find((a: { key: string }) => a.key === 'service.name')?.value?.stringValue;
        if (name) services.add(name);
        for (const ss of rs.scopeSpans ?? []) spans.push(...ss.spans);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    services,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('auto-instrumentation of a service process: HTTP, Postgres, NATS and fetch in one trace', () => {
  let receiver: Awaited<ReturnType<typeof otlpReceiver>>;
  let fake: FakeAnthropicServer;
  let nats: NatsTestEnv;
  let pg: PgTestEnv;
  let child: ChildProcess | undefined;
  let url: string;
  let output = '';

  beforeAll(async () => {
    if (!existsSync(path.join(ROOT, 'dist/libs/service-kit/src/tracing/register-tracing.js'))) execFileSync('node', ['tools/build.mjs'], { cwd: ROOT });
    receiver = await otlpReceiver();
    fake = await startFakeAnthropic();
    nats = await natsTestEnv({ consumers: CONSUMERS });
    pg = await pgTestEnv();
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, [path.join(ROOT, 'dist/apps/dreaming/src/main.js')], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH, NATS_URL: TEST_NATS_URL, DATABASE_URL: pg.url, REVERIE_NAMESPACE: nats.topology.namespace, PORT: String(port), LOG_LEVEL: 'warn',
        REVERIE_API_KEYS, ANTHROPIC_API_KEY: ANTHROPIC_KEY, ANTHROPIC_BASE_URL: fake.url, REVERIE_LLM_MODEL: 'claude-test-1',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '100',
      },
    });
    child.stdout?.on('data', (d) => (output += d));
    child.stderr?.on('data', (d) => (output += d));
    await eventually(async () => child?.exitCode !== null || (await fetch(`${url}/health/ready`).then((r) => r.status, () => 0)) === 200, { what: 'dreaming ready', timeoutMs: 30_000 });
    if (child.exitCode !== null) throw new Error(`dreaming exited ${child.exitCode}: ${output}`);
  });

  afterAll(async () => {
    if (child && child.exitCode === null) await new Promise<void>((resolve) => { child?.once('exit', () => resolve()); child?.kill('SIGTERM'); });
    await receiver?.close();
    await fake?.close();
    await nats?.cleanup();
    await pg?.cleanup();
  });

  it('traces POST /v1/dreams through its queries, its NATS message and the model call it caused', async () => {
    const store = new EventStore(nats.nc, nats.topology);
    await store.appendMany('sessions', publishWithoutBuildSessions(TENANT, 3).flat());
    const res = await fetch(`${url}${ROUTES.dreams}?token=${QUERY_SECRET}`, {
      method: 'POST', headers: { 'x-api-key': keys.reviewer.key, 'content-type': 'application/json' }, body: JSON.stringify({ trigger: 'manual' }),
    });
    expect(res.status).toBe(202);
    const dream = (await res.json()) as DreamView;

    const call = await eventually(() => fake.requests.find((r) => r.method === 'POST' && r.path.startsWith('/v1/messages')), { what: 'the dream to call the model', timeoutMs: 30_000 });
    const server = await eventually(() => receiver.spans.find((s) => s.kind === SPAN_KIND.server && s.name === `POST ${ROUTES.dreams}`), { what: 'the HTTP server span' });
    const inTrace = () => receiver.spans.filter((s) => s.traceId === server.traceId);
    const attempt = await eventually(() => inTrace().find((s) => s.kind === SPAN_KIND.client && s.name === 'POST' && String(attr(s, 'url.full')).startsWith(`${fake.url}/v1/messages`)), { what: 'the fetch span of the model call' });

    expect(receiver.services).toContain('dreaming');
    expect(attr(server, 'http.route')).toBe(ROUTES.dreams);
    expect(attr(server, 'http.response.status_code')).toBe(202);
    expect(attr(server, 'url.query')).toBe('token=REDACTED');

    // Postgres queries made while answering the request are below its server span, statements without values.
    const byId = new Map(inTrace().map((s) => [s.spanId, s]));
    const below = (s: OtlpSpan): boolean => s.parentSpanId === server.spanId || (!!s.parentSpanId && !!byId.get(s.parentSpanId) && below(byId.get(s.parentSpanId)!));
    const queries = inTrace().filter((s) => attr(s, 'db.system.name') === 'postgresql' && attr(s, 'db.query.text'));
    expect(queries.filter(below).length).toBeGreaterThan(0);
    // pg loads pg-pool once, with the service's imports: its spans say register-tracing came first.
    expect(inTrace().some((s) => s.name === 'pg-pool.connect' && below(s))).toBe(true);
    expect(receiver.spans.some((s) => s.attributes?.some((a) => a.key === 'db.postgresql.values'))).toBe(false);

    // The DREAMS message the request published carries the same trace (the event store's propagation).
    const [requested] = (await store.readAggregate('dreams', TENANT, dream.id)).events;
    const message = await (await jetstreamManager(nats.nc)).streams.getMessage(nats.topology.streamName('dreams'), { seq: requested.seq });
    const traceparent = message?.header?.get('traceparent') ?? '';
    expect(traceparent).toMatch(new RegExp(`^00-${server.traceId}-[0-9a-f]{16}-01$`));
    expect(byId.has(traceparent.split('-')[2])).toBe(true);

    // The model call went out with its fetch span as parent, under the SDK's span of the call.
    expect(call.headers['traceparent']).toBe(`00-${server.traceId}-${attempt.spanId}-01`);
    expect(byId.get(attempt.parentSpanId ?? '')?.name).toBe('anthropic.messages.create');
    expect(below(attempt)).toBe(true);

    // Nothing recorded holds a key or the query value; probes were not traced.
    const exported = JSON.stringify(receiver.spans);
    for (const secret of [ANTHROPIC_KEY, keys.reviewer.key, QUERY_SECRET]) expect(exported).not.toContain(secret);
    expect(receiver.spans.some((s) => String(attr(s, 'url.path') ?? '').startsWith('/health'))).toBe(false);
  });
});

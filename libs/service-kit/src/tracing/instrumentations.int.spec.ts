import { createServer, get, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { isProbe, redactUrl } from './instrumentations';
import { startTracing, type Tracing } from './tracing';

describe('the instrumentations (fetch and node:http, on loopback)', () => {
  const exporter = new InMemorySpanExporter();
  const received: IncomingHttpHeaders[] = [];
  let tracing: Tracing;
  let server: Server;
  let url: string;
  const spans = async (count: number): Promise<ReadableSpan[]> => {
    // The server span ends when the response closes, possibly just after the client read it.
    for (let i = 0; i < 100 && exporter.getFinishedSpans().length < count; i++) await new Promise((r) => setTimeout(r, 10));
    return exporter.getFinishedSpans();
  };
  const fetchInSpan = (path: string, headers: Record<string, string> = {}) =>
    trace.getTracer('test').startActiveSpan('caller', async (span) => {
      await (await fetch(`${url}${path}`, { headers })).text();
      span.end();
      return span.spanContext();
    });

  beforeAll(async () => {
    tracing = startTracing('instrumentations-test', { exporter });
    server = createServer((req, res) => {
      received.push(req.headers);
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await tracing.shutdown();
  });
  beforeEach(() => {
    exporter.reset();
    received.length = 0;
  });

  it('records the fetch and the server span without query values or headers, and sends the trace context', async () => {
    const caller = await fetchInSpan('/things?key=sk-secret-1&page=2', { authorization: 'Bearer sk-secret-2', 'x-api-key': 'sk-secret-3' });
    const all = await spans(3);
    const client = all.find((s) => s.kind === SpanKind.CLIENT);
    const served = all.find((s) => s.kind === SpanKind.SERVER);
    expect(client?.parentSpanContext?.spanId).toBe(caller.spanId);
    expect(client?.attributes['url.full']).toBe(`${url}/things?key=REDACTED&page=REDACTED`);
    expect(served?.attributes['url.query']).toBe('key=REDACTED&page=REDACTED');
    expect(served?.parentSpanContext?.spanId).toBe(client?.spanContext().spanId);
    expect(received[0].traceparent).toBe(`00-${caller.traceId}-${client?.spanContext().spanId}-01`);
    expect(JSON.stringify(all.map((s) => s.attributes))).not.toContain('sk-secret');
  });

  it('records a node:http request without query values', async () => {
    await new Promise<void>((resolve, reject) => get(`${url}/things?key=sk-secret-4`, (res) => res.resume().on('end', resolve)).on('error', reject));
    const client = (await spans(2)).find((s) => s.kind === SpanKind.CLIENT);
    expect(client?.attributes['url.full']).toBe(`${url}/things?key=REDACTED`);
  });

  it('leaves alone a fetch that carries its own traceparent', async () => {
    const own = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    await fetchInSpan('/things', { traceparent: own });
    expect(received[0].traceparent).toBe(own);
    const all = await spans(2);
    expect(all.filter((s) => s.kind === SpanKind.CLIENT)).toEqual([]);
    expect(all.find((s) => s.kind === SpanKind.SERVER)?.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
  });

  it('does not trace probes', async () => {
    for (const path of ['/health', '/health/ready', '/metrics']) await fetchInSpan(path);
    await spans(7); // three callers, three fetches, and time for a server span that must not come
    expect(exporter.getFinishedSpans().filter((s) => s.kind === SpanKind.SERVER)).toEqual([]);
    expect(['/health', '/health/live?x=1', '/metrics', '/healthz', '/v1/metrics'].map(isProbe)).toEqual([true, true, true, false, false]);
  });

  it('redacts credentials and query values of a URL, keeping the names', () => {
    expect(redactUrl('https://u:pw@api.example/v1/x?key=sk-1&key=sk-2&q=a%20b')).toBe('https://api.example/v1/x?key=REDACTED&q=REDACTED');
    expect(redactUrl('http://127.0.0.1:4100/v1/lessons')).toBe('http://127.0.0.1:4100/v1/lessons');
  });
});

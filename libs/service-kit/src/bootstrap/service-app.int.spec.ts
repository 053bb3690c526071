import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { Writable } from 'node:stream';
import { createLogger } from '../logging/logger';
import { startTracing, type Tracing } from '../tracing/tracing';
import { checkStates, KitTestModule } from '../testing/kit-test-app';
import { bootstrapService, type ServiceHandle } from './bootstrap-service';

describe('a service app built with the kit', () => {
  const exporter = new InMemorySpanExporter();
  const logLines: string[] = [];
  let tracing: Tracing;
  let service: ServiceHandle;
  const inject = async (o: { method: string; url: string; headers?: Record<string, string> }) => {
    // The test's own fetch is not traced: the server span's parent is only what a test sends.
    const res = await context.with(suppressTracing(context.active()), () => fetch(`${service.url}${o.url}`, { method: o.method, headers: o.headers }));
    const body = await res.text();
    return { statusCode: res.status, headers: { 'content-type': res.headers.get('content-type') ?? '' }, body, json: () => JSON.parse(body) };
  };

  beforeAll(async () => {
    tracing = startTracing('kit-test', { exporter });
    const sink = new Writable({ write: (chunk, _e, done) => { logLines.push(String(chunk)); done(); } });
    service = await bootstrapService({
      service: 'dreaming', module: KitTestModule, logger: createLogger('dreaming', 'info', sink),
      port: 0, host: '127.0.0.1', handleSignals: false,
    });
  });
  afterAll(async () => {
    await service.shutdown('test done');
    await tracing.shutdown();
  });
  beforeEach(() => {
    exporter.reset();
    for (const k of Object.keys(checkStates)) delete checkStates[k];
  });

  describe('GET /health', () => {
    it('answers 200 with a HealthReport when every check is ok', async () => {
      Object.assign(checkStates, { nats: { status: 'ok' }, postgres: { status: 'ok' } });
      const res = await inject({ method: 'GET', url: '/health' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        service: 'dreaming', status: 'ok', version: '1.2.3', uptimeSeconds: expect.any(Number),
        checks: { nats: { status: 'ok' }, postgres: { status: 'ok' } },
      });
    });

    it('answers 503 degraded when one check is down', async () => {
      Object.assign(checkStates, { nats: { status: 'ok' }, postgres: { status: 'down', detail: 'ECONNREFUSED' } });
      const res = await inject({ method: 'GET', url: '/health' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ status: 'degraded', checks: { postgres: { status: 'down', detail: 'ECONNREFUSED' } } });
    });

    it('answers 503 down when every check is down', async () => {
      Object.assign(checkStates, { nats: { status: 'down' } });
      const res = await inject({ method: 'GET', url: '/health' });
      expect(res.statusCode).toBe(503);
      expect(res.json().status).toBe('down');
    });
  });

  describe('errors as problem+json', () => {
    it('keeps the status and message of an HttpException', async () => {
      const res = await inject({ method: 'GET', url: '/t/missing' });
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toEqual({ type: 'about:blank', title: 'Not Found', status: 404, detail: 'lesson l-1 not found' });
    });

    it('joins validation messages into the detail', async () => {
      const res = await inject({ method: 'GET', url: '/t/bad-request' });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({ type: 'about:blank', title: 'Bad Request', status: 400, detail: 'name must be a string; age must be positive' });
    });

    it('answers an unexpected Error with a 500 that reveals nothing, and logs it', async () => {
      const res = await inject({ method: 'POST', url: '/t/crash' });
      expect(res.statusCode).toBe(500);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toEqual({ type: 'about:blank', title: 'Internal Server Error', status: 500, detail: 'An unexpected error occurred.' });
      expect(res.body).not.toMatch(/postgres|secret\.ts|at /);
      expect(logLines.join('')).toContain('request failed');
    });

    it('answers an unknown route with a 404 in the same shape', async () => {
      const res = await inject({ method: 'DELETE', url: '/nowhere?x=1' });
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({ type: 'about:blank', title: 'Not Found', status: 404 });
    });
  });

  describe('tracing', () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const parentSpanId = '00f067aa0ba902b7';

    it('continues the caller trace from traceparent and makes the server span active in the handler', async () => {
      const res = await inject({ method: 'GET', url: '/t/span', headers: { traceparent: `00-${traceId}-${parentSpanId}-01` } });
      const seen = res.json();
      expect(seen.traceId).toBe(traceId);
      const spans = exporter.getFinishedSpans();
      expect(spans).toHaveLength(1);
      const [server] = spans;
      expect(server.spanContext().spanId).toBe(seen.spanId);
      expect(server.parentSpanContext?.spanId).toBe(parentSpanId);
      expect(server.name).toBe('GET /t/span');
      expect(server.attributes['http.response.status_code']).toBe(200);
    });

    it('starts a new trace without traceparent and marks 500s as errors', async () => {
      await inject({ method: 'POST', url: '/t/crash' });
      const [server] = exporter.getFinishedSpans();
      expect(server.parentSpanContext).toBeUndefined();
      expect(server.status.code).toBe(2); // SpanStatusCode.ERROR
      // The error's log line names the request's span.
      const logged = logLines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'request failed').at(-1);
      expect(logged).toMatchObject({ traceId: server.spanContext().traceId, spanId: server.spanContext().spanId });
    });
  });
});

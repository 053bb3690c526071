import http, { type ClientRequest, type IncomingMessage } from 'node:http';
import type { Span } from '@opentelemetry/api';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation, type UndiciRequest } from '@opentelemetry/instrumentation-undici';
import { ATTR_URL_FULL, ATTR_URL_QUERY } from '@opentelemetry/semantic-conventions';

const REDACTED_QUERY_VALUE = 'REDACTED';

let instrumentations: (HttpInstrumentation | PgInstrumentation | UndiciInstrumentation)[] | undefined;

/**
 * HTTP server and client (node:http), Postgres (pg) and global fetch (undici), created once per
 * process. They patch `pg` when it is loaded, so a service creates them before its other imports
 * (register-tracing); startTracing hands the same ones to the SDK. No header is recorded, nor any
 * query-string value (names are) or SQL parameter; probes (/health*, /metrics) are not traced.
 */
export function enableInstrumentations(): NonNullable<typeof instrumentations> {
  instrumentations ??= [
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (request) => isProbe(request.url ?? '/'),
      requestHook: redactHttpUrl,
    }),
    // Statements as written ($1 placeholders), never their values; only queries inside a trace.
    new PgInstrumentation({ enhancedDatabaseReporting: false, requireParentSpan: true }),
    new UndiciInstrumentation({
      // A request that carries its own traceparent continues the trace its caller chose: a second one would make it unreadable.
      ignoreRequestHook: (request) => headerNames(request).includes('traceparent'),
      startSpanHook: (request) => (request.path.includes('?') ? {
        [ATTR_URL_FULL]: redactUrl(new URL(request.path, request.origin).toString()),
        [ATTR_URL_QUERY]: redactQuery(request.path.slice(request.path.indexOf('?') + 1)),
      } : {}),
    }),
  ];
  return instrumentations;
}

/**
 * node:http is one object per process however it is loaded; a loader of its own (jest's) bypasses
 * the require hook, and then the http patch is applied to it directly.
 */
export function patchHttpIfMissed(): void {
  for (const instrumentation of enableInstrumentations()) {
    if (!(instrumentation instanceof HttpInstrumentation)) continue;
    for (const definition of instrumentation.getModuleDefinitions()) {
      if (definition.name !== 'http' || definition.moduleExports) continue;
      definition.patch?.(http);
      definition.moduleExports = http;
    }
  }
}

export function isProbe(url: string): boolean {
  const path = url.split('?')[0];
  return path === '/metrics' || path === '/health' || path.startsWith('/health/');
}

/** `a=1&key=sk-…` → `a=REDACTED&key=REDACTED`. */
export function redactQuery(query: string): string {
  const params = new URLSearchParams(query);
  for (const name of new Set(params.keys())) params.set(name, REDACTED_QUERY_VALUE);
  return params.toString();
}

/** The URL without user, password or query values. */
export function redactUrl(url: string): string {
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  parsed.search = redactQuery(parsed.search);
  return parsed.toString();
}

function redactHttpUrl(span: Span, request: ClientRequest | IncomingMessage): void {
  if ('path' in request) {
    if (request.path.includes('?')) span.setAttribute(ATTR_URL_FULL, redactUrl(`${request.protocol}//${request.getHeader('host') ?? request.host}${request.path}`));
  } else if (request.url?.includes('?')) {
    span.setAttribute(ATTR_URL_QUERY, redactQuery(request.url.slice(request.url.indexOf('?') + 1)));
  }
}

function headerNames(request: UndiciRequest): string[] {
  const { headers } = request;
  const names = typeof headers === 'string'
    ? headers.split('\r\n').map((line) => line.split(':')[0])
    : headers.filter((_, i) => i % 2 === 0).map(String);
  return names.map((n) => n.trim().toLowerCase());
}

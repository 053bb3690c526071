import { isSpanContextValid, trace } from '@opentelemetry/api';
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * Paths pino censors before a line is written. Pino's `*` matches one level only, so the common
 * shapes are listed: request headers, config objects, and secret-named fields up to two levels deep.
 */
const SECRET_FIELDS = [
  'authorization', '"x-api-key"', 'apiKey', 'api_key', 'password', 'secret', 'token', 'cookie',
  'ANTHROPIC_API_KEY', 'INGEST_API_KEYS', 'DATABASE_URL',
];
export const REDACT_PATHS = [
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((f) => `*.${f}`),
  ...SECRET_FIELDS.map((f) => `*.*.${f}`),
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
];
export const REDACTED = '[REDACTED]';

/** The active span's ids on each line written inside a trace (a request, a message, a dream). */
export function traceFields(): { traceId?: string; spanId?: string } {
  const ctx = trace.getActiveSpan()?.spanContext();
  return ctx && isSpanContextValid(ctx) ? { traceId: ctx.traceId, spanId: ctx.spanId } : {};
}

/** Structured JSON logs, one line per entry, with `service` (and trace ids) on each line and secrets censored. */
export function createLogger(service: string, level = 'info', destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service },
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: traceFields,
    formatters: { level: (label: string) => ({ level: label }) },
  };
  return destination ? pino(options, destination) : pino(options);
}

import { SESSION_EVENT_TYPES, sessionEventSchema, type SessionEvent } from '@reverie/contracts';
import type { z } from 'zod';
import { inspectJson } from './json-inspect';
import { DEFAULT_INGEST_LIMITS, type IngestLimits } from './limits';

export interface EventRejection {
  index: number;
  eventId?: string;
  /** Path of the offending field, e.g. `data.isError`. */
  field?: string;
  reason: string;
}

export interface ValidationContext {
  /** The tenant bound to the API key (or NATS credentials): the only source of an event's tenant. */
  tenantId: string;
  limits?: IngestLimits;
  /** Server clock, ISO 8601: becomes every event's `recordedAt`. */
  now: string;
  /** Who the credential says is ingesting (its actor, and the key's owner): becomes every event's `ingestedBy`. */
  ingestedBy?: string[];
}

export type EventValidation = { ok: true; event: SessionEvent } | { ok: false; rejection: EventRejection };

/**
 * Version assumed when an event has no `schemaVersion`: every session event type is at version 1,
 * and a producer that does not know about versions is writing the first one.
 */
export const DEFAULT_SCHEMA_VERSION = 1;

const SCHEMA_BY_TYPE = new Map<string, z.ZodType>(sessionEventSchema.options.map((o) => [o.shape.type.value, o]));

const describe = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
const clip = (s: string) => (s.length > 80 ? `${s.slice(0, 80)}…` : s);
const quote = (s: string) => JSON.stringify(clip(s));

function formatIssue(issue: z.core.$ZodIssue): { field: string; text: string } {
  const field = issue.path.map(String).join('.') || '(event)';
  const message = issue.message.replace(/^Invalid input: /, '');
  return { field, text: `${field}: ${message}` };
}

export function validateEvent(raw: unknown, index: number, ctx: ValidationContext): EventValidation {
  const limits = ctx.limits ?? DEFAULT_INGEST_LIMITS;
  const reject = (reason: string, field?: string, eventId?: string): EventValidation => ({
    ok: false,
    rejection: { index, ...(eventId !== undefined && { eventId }), ...(field !== undefined && { field }), reason },
  });

  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return reject(`event must be a JSON object, received ${describe(raw)}`);
  }
  const obj = raw as Record<string, unknown>;
  const eventId = typeof obj.id === 'string' && obj.id.length > 0 ? obj.id.slice(0, 200) : undefined;

  // One walk finds what is not storable JSON and measures the event's JSON size.
  const inspected = inspectJson(obj, limits.maxDepth);
  if (inspected.problem) return reject(`${inspected.problem.path}: ${inspected.problem.reason}`, inspected.problem.path, eventId);

  const { bytes } = inspected;
  if (bytes > limits.maxEventBytes) {
    return reject(`event is ${bytes} bytes as JSON; the limit is ${limits.maxEventBytes} bytes`, undefined, eventId);
  }

  if (obj.tenantId !== undefined) {
    if (typeof obj.tenantId !== 'string') return reject(`tenantId: expected string, received ${describe(obj.tenantId)}`, 'tenantId', eventId);
    if (obj.tenantId !== ctx.tenantId) {
      return reject(`tenantId '${clip(obj.tenantId)}' does not match the API key's tenant '${ctx.tenantId}'`, 'tenantId', eventId);
    }
  }

  if (obj.ingestedBy !== undefined) {
    return reject('ingestedBy: set by the server from the credential that sends the event; leave it out', 'ingestedBy', eventId);
  }

  if (obj.type === undefined) return reject(`type: required; expected one of ${SESSION_EVENT_TYPES.join(', ')}`, 'type', eventId);
  if (typeof obj.type !== 'string') return reject(`type: expected string, received ${describe(obj.type)}`, 'type', eventId);
  const schema = SCHEMA_BY_TYPE.get(obj.type);
  if (!schema) return reject(`type: unknown event type ${quote(obj.type)}; expected one of ${SESSION_EVENT_TYPES.join(', ')}`, 'type', eventId);

  const candidate = {
    ...obj,
    tenantId: ctx.tenantId,
    recordedAt: ctx.now,
    schemaVersion: obj.schemaVersion ?? DEFAULT_SCHEMA_VERSION,
    ...(ctx.ingestedBy?.length && { ingestedBy: ctx.ingestedBy }),
  };
  const parsed = schema.safeParse(candidate);
  if (!parsed.success) {
    const issues = parsed.error.issues.map(formatIssue);
    const more = issues.length > 3 ? ` (and ${issues.length - 3} more)` : '';
    return reject(issues.slice(0, 3).map((i) => i.text).join('; ') + more, issues[0].field, eventId);
  }
  return { ok: true, event: parsed.data as SessionEvent };
}

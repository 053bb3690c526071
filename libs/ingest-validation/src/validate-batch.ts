import type { SessionEvent } from '@reverie/contracts';
import { DEFAULT_INGEST_LIMITS } from './limits';
import { BatchError } from './problem-json';
import { validateEvent, type EventRejection, type ValidationContext } from './validate-event';

export interface BatchValidation {
  valid: { index: number; event: SessionEvent }[];
  rejected: EventRejection[];
}

/**
 * Validates each event of a batch on its own (Langfuse style): valid ones are returned for
 * writing, invalid ones are listed by index and reason. Throws a BatchError only when the body as
 * a whole is wrong: not `{ "events": [...] }` (400) or too many events (413). An empty batch is
 * valid and yields nothing.
 */
export function validateBatch(body: unknown, ctx: ValidationContext): BatchValidation {
  const limits = ctx.limits ?? DEFAULT_INGEST_LIMITS;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    const got = body === null ? 'null' : Array.isArray(body) ? 'an array' : typeof body;
    throw new BatchError(400, 'Invalid batch', `the body must be a JSON object { "events": [...] }, received ${got}`);
  }
  const events = (body as { events?: unknown }).events;
  if (!Array.isArray(events)) {
    const got = events === undefined ? 'no "events" field' : `"events" of type ${events === null ? 'null' : typeof events}`;
    throw new BatchError(400, 'Invalid batch', `the body must have an "events" array, received ${got}`);
  }
  if (events.length > limits.maxBatchEvents) {
    throw new BatchError(413, 'Batch too large', `the batch has ${events.length} events; the limit is ${limits.maxBatchEvents} per batch`);
  }
  const result: BatchValidation = { valid: [], rejected: [] };
  events.forEach((raw, index) => {
    const v = validateEvent(raw, index, ctx);
    if (v.ok) result.valid.push({ index, event: v.event });
    else result.rejected.push(v.rejection);
  });
  return result;
}

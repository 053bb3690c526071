import { sessionEventSchema, type SessionEvent } from '@reverie/contracts';
import type { EventParser } from '@reverie/event-store';
import { projectionRunner } from '@reverie/service-kit';
import { sessionsProjection } from './sessions.projection';

/** Runs the sessions projection on the durable `session-ingest--sessions-projection` (stopped before NATS drains). */
export const SessionsProjectionRunner = projectionRunner({
  stream: 'sessions',
  purpose: 'sessions-projection',
  parser: sessionEventSchema as unknown as EventParser<SessionEvent>,
  projection: sessionsProjection,
  batchSize: 1000,
});

import { sessionEventSchema, type SessionEvent } from '@reverie/contracts';
import type { EventParser } from '@reverie/event-store';
import { projectionRunner } from '@reverie/service-kit';
import { sessionsProjection } from './sessions.projection';

/**
 * Runs the sessions projection on the durable `session-ingest--sessions-projection`, or with
 * REVERIE_SESSION_PARTITIONS above 1 on one durable per partition, shared by the replicas
 * (stopped before NATS drains).
 */
export const SessionsProjectionRunner = projectionRunner({
  stream: 'sessions',
  purpose: 'sessions-projection',
  parser: sessionEventSchema as unknown as EventParser<SessionEvent>,
  projection: sessionsProjection,
  batchSize: 1000,
  partitioned: true,
});

import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { sessionEventSchema, type SessionEvent } from '@reverie/contracts';
import type { EventParser } from '@reverie/event-store';
import { ProjectionRunners, type Logger } from '@reverie/service-kit';
import { LOGGER } from '../app.tokens';
import { sessionsProjection } from './sessions.projection';

/** Runs the sessions projection on the durable `session-ingest--sessions-projection` (stopped before NATS drains). */
@Injectable()
export class SessionsProjectionRunner implements OnApplicationBootstrap {
  constructor(
    @Inject(ProjectionRunners) private readonly projections: ProjectionRunners,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.projections.start({
      stream: 'sessions',
      purpose: 'sessions-projection',
      parser: sessionEventSchema as unknown as EventParser<SessionEvent>,
      projection: sessionsProjection,
      batchSize: 1000,
      logger: this.logger,
    });
  }
}

import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { lessonsStreamEventSchema, sessionEventSchema } from '@reverie/contracts';
import { ProjectionRunners, type Logger } from '@reverie/service-kit';
import { LOGGER } from '../app.tokens';
import { DreamTriggers } from '../dreams/dream-triggers.service';
import { lessonIndexProjection } from '../lesson-index/lesson-index.projection';
import { SessionStartsProjection } from '../session-starts/session-starts.projection';

export const SERVICE = 'dreaming';

/**
 * The two durable consumers of the service: `dreaming--lesson-index` (LESSONS → the lesson index
 * dedup reads) and `dreaming--session-signals` (SESSIONS → new-session counts for the
 * every-N-sessions trigger). Stopped by ManagedConsumers before NATS drains.
 */
@Injectable()
export class DreamingConsumers implements OnApplicationBootstrap {
  constructor(
    @Inject(ProjectionRunners) private readonly projections: ProjectionRunners,
    @Inject(DreamTriggers) private readonly triggers: DreamTriggers,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.projections.start({ stream: 'lessons', purpose: 'lesson-index', parser: lessonsStreamEventSchema, projection: lessonIndexProjection, logger: this.logger });
    const starts = new SessionStartsProjection();
    await this.projections.start({
      stream: 'sessions', purpose: 'session-signals', parser: sessionEventSchema, projection: starts, logger: this.logger,
      afterCommit: async () => {
        const tenants = starts.takeTouched();
        if (tenants.length) await this.triggers.checkSessionCount(tenants).catch((err: Error) => this.logger.warn({ err: err.message }, 'session-count trigger failed'));
      },
    });
  }
}

import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { lessonEventSchema } from '@reverie/contracts';
import { ProjectionRunners, type Logger } from '@reverie/service-kit';
import { LOGGER } from '../app.tokens';
import { governanceLessonsProjection } from './governance-lessons.projection';

/** Starts the LESSONS projection once the app is up; service-kit stops it before NATS drains. */
@Injectable()
export class LessonsProjectionRunner implements OnApplicationBootstrap {
  constructor(
    @Inject(ProjectionRunners) private readonly projections: ProjectionRunners,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.projections.start({
      stream: 'lessons', purpose: 'lessons-projection', parser: lessonEventSchema, projection: governanceLessonsProjection, logger: this.logger,
    });
  }
}

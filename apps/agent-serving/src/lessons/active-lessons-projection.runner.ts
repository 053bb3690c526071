import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { lessonEventSchema } from '@reverie/contracts';
import { ProjectionRunners, type Logger } from '@reverie/service-kit';
import { LOGGER } from '../app.tokens';
import { activeLessonsProjection } from './active-lessons.projection';

/**
 * Keeps the serving index current. The runner commits as soon as the consumer has nothing
 * pending, so an approval reaches agents within one fetch round trip and one transaction.
 */
@Injectable()
export class ActiveLessonsProjectionRunner implements OnApplicationBootstrap {
  constructor(
    @Inject(ProjectionRunners) private readonly projections: ProjectionRunners,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.projections.start({
      stream: 'lessons', purpose: 'active-lessons', parser: lessonEventSchema, projection: activeLessonsProjection, logger: this.logger,
    });
  }
}

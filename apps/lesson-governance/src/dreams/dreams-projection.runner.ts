import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { dreamEventSchema } from '@reverie/contracts';
import { ProjectionRunners, type Logger } from '@reverie/service-kit';
import { LOGGER } from '../app.tokens';
import { governanceDreamsProjection } from './governance-dreams.projection';

@Injectable()
export class DreamsProjectionRunner implements OnApplicationBootstrap {
  constructor(
    @Inject(ProjectionRunners) private readonly projections: ProjectionRunners,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.projections.start({
      stream: 'dreams', purpose: 'dreams-projection', parser: dreamEventSchema, projection: governanceDreamsProjection, logger: this.logger,
    });
  }
}

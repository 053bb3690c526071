import { Inject, Injectable, type OnApplicationBootstrap, type Type } from '@nestjs/common';
import type { Envelope } from '@reverie/contracts';
import { ProjectionRunners, type ProjectionStart } from '../infrastructure/projection-runners';
import type { Logger } from '../logging/logger';
import { LOGGER } from './service.tokens';

/**
 * A provider that starts one projection when the app has booted, logging through the service's
 * LOGGER; ManagedConsumers stops it before NATS drains. Put the returned class in a module's providers.
 */
export function projectionRunner<E extends Envelope>(spec: Omit<ProjectionStart<E>, 'logger'>): Type<OnApplicationBootstrap> {
  @Injectable()
  class ProjectionRunner implements OnApplicationBootstrap {
    constructor(
      @Inject(ProjectionRunners) private readonly projections: ProjectionRunners,
      @Inject(LOGGER) private readonly logger: Logger,
    ) {}

    async onApplicationBootstrap(): Promise<void> {
      await this.projections.start({ ...spec, logger: this.logger });
    }
  }
  Object.defineProperty(ProjectionRunner, 'name', { value: `ProjectionRunner(${spec.projection.name})` });
  return ProjectionRunner;
}

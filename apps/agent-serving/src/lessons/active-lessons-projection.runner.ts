import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { lessonEventSchema, type Topology } from '@reverie/contracts';
import { runProjection, type EventStore } from '@reverie/event-store';
import { DATA_SOURCE, EVENT_STORE, ManagedConsumers, TOPOLOGY } from '@reverie/service-kit';
import { LOGGER } from '../app.tokens';
import { SERVICE } from '../config/serving.config';
import { runnerLogger } from '../logging/runner-logger';
import { activeLessonsProjection } from './active-lessons.projection';

/**
 * Keeps the serving index current. The runner commits as soon as the consumer has nothing
 * pending, so an approval reaches agents within one fetch round trip and one transaction.
 */
@Injectable()
export class ActiveLessonsProjectionRunner implements OnApplicationBootstrap {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(TOPOLOGY) private readonly topology: Topology,
    @Inject(ManagedConsumers) private readonly managed: ManagedConsumers,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.managed.start(runProjection({
      store: this.store,
      dataSource: this.ds,
      stream: 'lessons',
      durable: this.topology.consumerName(SERVICE, 'active-lessons'),
      parser: lessonEventSchema,
      projection: activeLessonsProjection,
      logger: runnerLogger(this.logger.child({ projection: activeLessonsProjection.name })),
    }));
  }
}

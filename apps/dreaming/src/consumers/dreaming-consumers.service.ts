import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { lessonEventSchema, sessionEventSchema, type Topology } from '@reverie/contracts';
import { runProjection, type EventStore, type RunnerLogger } from '@reverie/event-store';
import { DATA_SOURCE, EVENT_STORE, ManagedConsumers, TOPOLOGY, type Logger } from '@reverie/service-kit';
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
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(TOPOLOGY) private readonly topology: Topology,
    @Inject(ManagedConsumers) private readonly managed: ManagedConsumers,
    @Inject(DreamTriggers) private readonly triggers: DreamTriggers,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const logger = runnerLogger(this.logger);
    await this.managed.start(runProjection({
      store: this.store, dataSource: this.ds, stream: 'lessons', durable: this.topology.consumerName(SERVICE, 'lesson-index'),
      parser: lessonEventSchema, projection: lessonIndexProjection, logger,
    }));
    const starts = new SessionStartsProjection();
    await this.managed.start(runProjection({
      store: this.store, dataSource: this.ds, stream: 'sessions', durable: this.topology.consumerName(SERVICE, 'session-signals'),
      parser: sessionEventSchema, projection: starts, logger,
      afterCommit: async () => {
        const tenants = starts.takeTouched();
        if (tenants.length) await this.triggers.checkSessionCount(tenants).catch((err: Error) => this.logger.warn({ err: err.message }, 'session-count trigger failed'));
      },
    }));
  }
}

function runnerLogger(logger: Logger): RunnerLogger {
  return {
    info: (msg, fields) => logger.info(fields ?? {}, msg),
    warn: (msg, fields) => logger.warn(fields ?? {}, msg),
    error: (msg, fields) => logger.error(fields ?? {}, msg),
  };
}

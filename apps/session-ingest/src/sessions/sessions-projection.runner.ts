import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { sessionEventSchema, type SessionEvent, type Topology } from '@reverie/contracts';
import { runProjection, type EventParser, type EventStore, type RunnerLogger } from '@reverie/event-store';
import { DATA_SOURCE, EVENT_STORE, ManagedConsumers, TOPOLOGY } from '@reverie/service-kit';
import { LOGGER } from '../app.tokens';
import { SERVICE } from '../config/ingest.config';
import { sessionsProjection } from './sessions.projection';

const runnerLogger = (logger: Logger): RunnerLogger => ({
  info: (msg, fields) => logger.info(fields ?? {}, msg),
  warn: (msg, fields) => logger.warn(fields ?? {}, msg),
  error: (msg, fields) => logger.error(fields ?? {}, msg),
});

/** Runs the sessions projection on the durable `session-ingest--sessions-projection` (stopped before NATS drains). */
@Injectable()
export class SessionsProjectionRunner implements OnApplicationBootstrap {
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
      stream: 'sessions',
      durable: this.topology.consumerName(SERVICE, 'sessions-projection'),
      parser: sessionEventSchema as unknown as EventParser<SessionEvent>,
      projection: sessionsProjection,
      batchSize: 1000,
      logger: runnerLogger(this.logger.child({ projection: sessionsProjection.name })),
    }));
  }
}

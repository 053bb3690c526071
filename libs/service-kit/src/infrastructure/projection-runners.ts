import type { DataSource } from 'typeorm';
import type { Envelope, StreamKey, Topology } from '@reverie/contracts';
import { runProjection, type EventStore, type ProjectionRunnerOptions, type RunningConsumer } from '@reverie/event-store';
import type { Logger } from 'pino';
import { runnerLogger } from '../logging/runner-logger';
import type { ManagedConsumers } from './managed-consumers';

export interface ProjectionStart<E extends Envelope>
  extends Pick<ProjectionRunnerOptions<E>, 'parser' | 'projection' | 'batchSize' | 'afterCommit'> {
  stream: StreamKey;
  /** The durable consumer is `topology.consumerName(service, purpose)`. */
  purpose: string;
  /** The runner logs through a child of it, with the projection's name. */
  logger: Logger;
}

/**
 * Starts a service's projections on its declared durable consumers, each managed (stopped before
 * NATS drains). Provided by InfrastructureModule; call `start` in `onApplicationBootstrap`.
 */
export class ProjectionRunners {
  constructor(
    private readonly deps: { service: string; store: EventStore; dataSource: DataSource; topology: Topology; managed: ManagedConsumers },
  ) {}

  start<E extends Envelope>(spec: ProjectionStart<E>): Promise<RunningConsumer> {
    const { service, store, dataSource, topology, managed } = this.deps;
    const durable = topology.consumerName(service, spec.purpose);
    return managed.start({
      name: durable,
      start: () => runProjection({
        store,
        dataSource,
        stream: spec.stream,
        durable,
        parser: spec.parser,
        projection: spec.projection,
        batchSize: spec.batchSize,
        afterCommit: spec.afterCommit,
        logger: runnerLogger(spec.logger.child({ projection: spec.projection.name })),
      }),
      lag: async () => (await store.js.consumers.get(topology.streamName(spec.stream), durable).then((c) => c.info(true))).num_pending,
    });
  }
}

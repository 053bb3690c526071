import type { DataSource } from 'typeorm';
import type { Envelope, StreamKey, Topology } from '@reverie/contracts';
import { partitionPurpose, rebuildProjectionInShadow, runLeasedProjection, runPartitionedProjection, runProjection, type LeaseSettings, type EventStore, type ProjectionRunnerOptions, type ProjectionListing, type RebuildMode, type RebuildProgress, type RebuildReport, type RunningConsumer } from '@reverie/event-store';
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
  /** Split into the deployment's session partitions (REVERIE_SESSION_PARTITIONS), one durable `<purpose>-p<i>` each. */
  partitioned?: boolean;
}

/**
 * Starts a service's projections on its declared durable consumers, each managed (stopped before
 * NATS drains). Provided by InfrastructureModule; call `start` in `onApplicationBootstrap`.
 */
export class ProjectionRunners {
  private readonly started = new Map<string, ProjectionStart<Envelope>>();

  constructor(
    private readonly deps: { service: string; store: EventStore; dataSource: DataSource; topology: Topology; managed: ManagedConsumers; lease?: LeaseSettings; partitions?: number },
  ) {}

  start<E extends Envelope>(spec: ProjectionStart<E>): Promise<RunningConsumer> {
    const { service, store, dataSource, topology, managed } = this.deps;
    const durable = topology.consumerName(service, spec.purpose);
    this.started.set(spec.projection.name, spec as unknown as ProjectionStart<Envelope>);
    const partitions = this.partitionsOf(spec);
    const durables = partitions > 1 ? Array.from({ length: partitions }, (_, i) => topology.consumerName(service, partitionPurpose(spec.purpose, i))) : [durable];
    return managed.start({
      name: durable,
      start: () => {
        const runner: ProjectionRunnerOptions<E> = {
          store,
          dataSource,
          stream: spec.stream,
          durable,
          parser: spec.parser,
          projection: spec.projection,
          batchSize: spec.batchSize,
          afterCommit: spec.afterCommit,
          logger: runnerLogger(spec.logger.child({ projection: spec.projection.name })),
        };
        // With a lease, one replica applies the projection (or each partition of it) at a time, in stream order; the others stand by.
        const { lease } = this.deps;
        if (partitions > 1) {
          if (!lease) throw new Error(`${spec.projection.name} is split into ${partitions} partitions, which replicas share through leases: give the runners a lease`);
          return runPartitionedProjection({ ...runner, durables, lease });
        }
        return lease ? runLeasedProjection({ ...runner, lease }) : runProjection(runner);
      },
      lag: async () => {
        let pending = 0;
        let redelivered = 0;
        for (const d of durables) {
          const info = await store.js.consumers.get(topology.streamName(spec.stream), d).then((c) => c.info(true));
          pending += info.num_pending;
          redelivered += info.num_redelivered;
        }
        return { pending, redelivered };
      },
    });
  }

  /** The projections this service runs, with where each stands. */
  async list(): Promise<ProjectionListing[]> {
    const { service, dataSource } = this.deps;
    const rows: { projection: string; last_seq: string }[] = await dataSource.query('SELECT projection, last_seq FROM projection_checkpoints WHERE projection = ANY($1::text[])', [[...this.started.keys()]]);
    const at = new Map(rows.map((r) => [r.projection, Number(r.last_seq)]));
    return [...this.started.values()].map((spec) => ({
      name: spec.projection.name, service, stream: spec.stream, tables: [...(spec.projection.tables ?? [])],
      // A rebuild compares at one checkpoint; a partitioned projection has one per partition.
      rebuildable: Boolean(spec.projection.tables?.length) && this.partitionsOf(spec) === 1,
      checkpoint: at.get(spec.projection.name) ?? 0,
    }));
  }

  /** Rebuilds one of them from its stream (see `rebuildProjectionInShadow`); it keeps running meanwhile. */
  rebuild(name: string, mode: RebuildMode, onProgress?: (p: RebuildProgress) => void): Promise<RebuildReport> {
    const spec = this.started.get(name);
    if (!spec) throw new Error(`${this.deps.service} runs no projection named "${name}" (it runs ${[...this.started.keys()].join(', ') || 'none'})`);
    if (this.partitionsOf(spec) > 1) throw new Error(`${name} runs in ${this.partitionsOf(spec)} partitions: rebuild it with REVERIE_SESSION_PARTITIONS=1 (a rebuild compares at one checkpoint)`);
    const { store, dataSource } = this.deps;
    return rebuildProjectionInShadow({ store, dataSource, stream: spec.stream, parser: spec.parser, projection: spec.projection }, { mode, onProgress });
  }

  private partitionsOf(spec: { partitioned?: boolean }): number {
    return spec.partitioned ? this.deps.partitions ?? 1 : 1;
  }
}

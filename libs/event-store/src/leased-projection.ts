import type { Envelope } from '@reverie/contracts';
import { silentLogger, type RunningConsumer } from './consumer-runner';
import { acquireLease, leaseHeldByAnother, LeaseLostError, releaseLease, type LeaseSettings } from './projection-lease';
import { runProjection, type ProjectionRunnerOptions } from './projection-runner';
import { isTransientFailure } from './transient-failure';

export interface LeasedProjectionOptions<E extends Envelope> extends ProjectionRunnerOptions<E> {
  lease: LeaseSettings;
  /** How often a standby asks for the lease and the leader renews it (default a fifth of the lease). */
  retryMs?: number;
  /** Told each time this replica becomes the leader or a standby (metrics, tests). */
  onRole?: (role: 'leader' | 'standby') => void;
  /** Asked before taking a free lease: false while this replica already leads its share (partitions). */
  mayLead?: () => Promise<boolean>;
  /** Asked at each renewal: true when this replica leads more than its share and should hand this one over. */
  shouldYield?: () => Promise<boolean>;
}

/**
 * A projection run by several replicas of a service: the one holding the lease (see
 * projection-lease.ts) applies it, in stream order, renewing the lease as it goes; the others
 * stand by on the same durable and ask again every `retryMs`. A leader that stops gives the lease
 * up (a standby takes over at its next try); one that crashes keeps it until it expires. A leader
 * that finds its lease taken (it paused or lost Postgres for longer than the lease) hands its
 * batch back and stands by: the commit checks the lease (fencing), so it never writes after its
 * successor. Ends, like `runProjection`, only when stopped or on a failure that is not the lease's.
 */
export async function runLeasedProjection<E extends Envelope>(opts: LeasedProjectionOptions<E>): Promise<RunningConsumer> {
  const { dataSource, projection, lease, logger = silentLogger } = opts;
  const retryMs = opts.retryMs ?? Math.max(250, Math.floor(lease.ttlMs / 5));
  let stopping = false;
  let current: RunningConsumer | undefined;
  let wake: (() => void) | undefined;
  const pause = (ms: number) => new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms).unref();
    wake = () => { clearTimeout(timer); resolve(); };
  });
  let role: 'leader' | 'standby' | undefined;
  const become = (next: 'leader' | 'standby') => {
    if (role === next) return;
    role = next;
    logger.info(next === 'leader' ? 'this replica applies the projection' : 'another replica applies the projection: standing by', { projection: projection.name, replica: lease.owner });
    opts.onRole?.(next);
  };

  const done = (async () => {
    while (!stopping) {
      let held = false;
      try {
        held = (!opts.mayLead || await opts.mayLead()) && await acquireLease(dataSource, projection.name, lease);
      } catch (err) {
        if (!isTransientFailure(err)) throw err;
      }
      if (!held) {
        become('standby');
        await pause(retryMs);
        continue;
      }
      if (stopping) break;
      become('leader');
      const running = await runProjection(opts);
      if (stopping) {
        // Stopped while it started: `stop()` found nothing to stop.
        await running.stop();
        break;
      }
      current = running;
      let yielded = false;
      const renew = setInterval(() => {
        // Taken by another replica meanwhile (this one paused): stop; the fenced commit would fail anyway.
        void acquireLease(dataSource, projection.name, lease).then(async (still) => {
          if (!still) return void running.stop();
          if (opts.shouldYield && await opts.shouldYield()) {
            yielded = true;
            await running.stop();
          }
        }).catch(() => undefined);
      }, retryMs).unref();
      try {
        await running.done;
      } catch (err) {
        // A successor that took the lease rewinds the durable (deletes it): this runner's loop then
        // ends with the consumer gone, which is the lease lost too, not a failure to restart for.
        if (!(err instanceof LeaseLostError) && !(await leaseHeldByAnother(dataSource, projection.name, lease.owner))) throw err;
        logger.warn('projection lease taken by another replica', { projection: projection.name, replica: lease.owner, error: (err as Error).message });
      } finally {
        clearInterval(renew);
        current = undefined;
      }
      if (yielded && !stopping) {
        // Handed over to a replica that leads fewer: give the lease up and let it take it first.
        logger.info('projection handed over to balance the replicas', { projection: projection.name, replica: lease.owner });
        await releaseLease(dataSource, projection.name, lease.owner).catch(() => undefined);
        become('standby');
        await pause(retryMs * 3);
      }
    }
  })();

  return {
    done,
    async stop() {
      stopping = true;
      wake?.();
      await current?.stop();
      await done.catch(() => undefined);
      if (role === 'leader') await releaseLease(dataSource, projection.name, lease.owner).catch(() => undefined);
    },
  };
}

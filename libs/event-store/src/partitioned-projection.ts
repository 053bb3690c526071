import type { Envelope } from '@reverie/contracts';
import type { RunningConsumer } from './consumer-runner';
import { runLeasedProjection, type LeasedProjectionOptions } from './leased-projection';
import { fairShare, partitionName } from './partitions';

export interface PartitionedProjectionOptions<E extends Envelope> extends Omit<LeasedProjectionOptions<E>, 'durable' | 'partition' | 'mayLead' | 'shouldYield' | 'onRole'> {
  /** One durable consumer per partition, in partition order. */
  durables: string[];
  onRole?: (partition: number, role: 'leader' | 'standby') => void;
}

/**
 * A projection split into partitions by aggregate (see partitions.ts), shared by the replicas of a
 * service: one leased runner per partition in every replica; each replica leads at most its fair
 * share (partitions ÷ replicas alive, from a heartbeat in `projection_replicas`) and hands the
 * highest one it leads over when it leads more, so a replica that joins gets partitions and one
 * that leaves (or dies: its leases expire) has its partitions taken by the others.
 */
export async function runPartitionedProjection<E extends Envelope>(opts: PartitionedProjectionOptions<E>): Promise<RunningConsumer> {
  const { dataSource: ds, durables, lease, projection } = opts;
  const count = durables.length;
  const names = durables.map((_, i) => partitionName(projection.name, i, count));
  const retryMs = opts.retryMs ?? Math.max(250, Math.floor(lease.ttlMs / 5));
  const heartbeat = () => ds.query(
    `INSERT INTO projection_replicas (projection, replica, seen_at) VALUES ($1, $2, now()) ON CONFLICT (projection, replica) DO UPDATE SET seen_at = now()`,
    [projection.name, lease.owner],
  );
  const standing = async () => {
    const [{ live }] = await ds.query(
      `SELECT count(*)::int AS live FROM projection_replicas WHERE projection = $1 AND (replica = $2 OR seen_at > now() - $3 * interval '1 millisecond')`,
      [projection.name, lease.owner, lease.ttlMs],
    ) as { live: number }[];
    const held: { projection: string }[] = await ds.query(
      'SELECT projection FROM projection_checkpoints WHERE projection = ANY($1::text[]) AND lease_owner = $2 AND lease_until > now()',
      [names, lease.owner],
    );
    return { fair: fairShare(count, live), held: held.map((h) => names.indexOf(h.projection)).sort((a, b) => a - b) };
  };
  await heartbeat();
  const beat = setInterval(() => void heartbeat().catch(() => undefined), retryMs).unref();

  const runners = await Promise.all(durables.map((durable, index) => runLeasedProjection({
    ...opts,
    durable,
    // Each partition has its own checkpoint and lease; the tables are the projection's (rebuilt as one, not per partition).
    projection: { ...projection, name: names[index], tables: undefined },
    partition: { index, count },
    mayLead: async () => {
      const s = await standing();
      return s.held.length < s.fair;
    },
    // Over its share: the highest partition it leads goes first (one at a time, no stampede).
    shouldYield: async () => {
      const s = await standing();
      return s.held.length > s.fair && s.held[s.held.length - 1] === index;
    },
    onRole: (role) => opts.onRole?.(index, role),
  })));

  let stopped = false;
  const stopAll = async () => {
    stopped = true;
    clearInterval(beat);
    await Promise.all(runners.map((r) => r.stop()));
    // Leaving: the others count one replica fewer at once, not after the heartbeat expires.
    await ds.query('DELETE FROM projection_replicas WHERE projection = $1 AND replica = $2', [projection.name, lease.owner]).catch(() => undefined);
  };
  const done = Promise.all(runners.map((r) => r.done)).then(
    () => undefined,
    async (err: unknown) => {
      // One partition failed for good: stop them all, so the supervisor restarts the whole group.
      if (!stopped) await stopAll();
      throw err;
    },
  );
  return { done, stop: stopAll };
}

/**
 * Partitions of a stream by aggregate: which partition an event belongs to, from its tenant and
 * aggregate id (a session's events all land in one partition, so one runner applies them in
 * order), and how many partitions each live replica should lead.
 */

/** FNV-1a (32 bit) of `tenant.aggregate`, modulo the partition count: stable across processes and versions. */
export function partitionOf(tenantId: string, streamId: string, count: number): number {
  if (!Number.isInteger(count) || count < 1) throw new Error(`a partition count is a whole number from 1, got ${count}`);
  let hash = 0x811c9dc5;
  const key = `${tenantId}.${streamId}`;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % count;
}

/** The most partitions one replica leads while `replicas` share `partitions` (each at least one replica's worth). */
export function fairShare(partitions: number, replicas: number): number {
  return Math.ceil(partitions / Math.max(1, replicas));
}

/** The checkpoint (and lease) name of one partition of a projection. */
export function partitionName(projection: string, index: number, count: number): string {
  return count === 1 ? projection : `${projection}#p${index}`;
}

/** The durable consumer purpose of one partition (`sessions-projection` → `sessions-projection-p2`). */
export function partitionPurpose(purpose: string, index: number): string {
  return `${purpose}-p${index}`;
}

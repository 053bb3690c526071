import type { DataSource } from 'typeorm';

/**
 * Event ids the sessions projection has already recorded for a tenant. Checked before
 * publishing, so a batch re-sent after JetStream's dedup window adds nothing either.
 */
export async function knownEventIds(ds: DataSource, tenantId: string, ids: string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows: { event_id: string }[] = await ds.query(
    'SELECT event_id FROM ingest_event_ids WHERE tenant_id = $1 AND event_id = ANY($2::text[])',
    [tenantId, ids],
  );
  return new Set(rows.map((r) => r.event_id));
}

import type { EntityManager } from 'typeorm';
import type { SessionEvent } from '@reverie/contracts';
import type { Projection, StoredEvent } from '@reverie/event-store';
import { sessionDeltas } from './session-summary';
import { mergeSessionDeltas } from './sessions.repository';

export const SESSIONS_PROJECTION = 'session-ingest.sessions';

/**
 * `ingest_event_ids` (every event id seen, per tenant) and `ingest_sessions` (one summary per
 * session). Idempotent by event id: an event whose id is already recorded changes nothing, so
 * a re-sent event that got past JetStream's dedup window is not counted twice.
 */
export const sessionsProjection: Projection<SessionEvent> = {
  name: SESSIONS_PROJECTION,
  idempotentByEventId: true,
  tables: ['ingest_event_ids', 'ingest_sessions'],
  async apply(manager: EntityManager, stored: StoredEvent<SessionEvent>[]): Promise<void> {
    const firstById = new Map<string, StoredEvent<SessionEvent>>();
    for (const s of stored) {
      const key = `${s.event.tenantId}\u0000${s.event.id}`;
      if (!firstById.has(key)) firstById.set(key, s);
    }
    const candidates = [...firstById.values()];
    const inserted: { tenant_id: string; event_id: string }[] = await manager.query(
      `INSERT INTO ingest_event_ids (tenant_id, event_id, session_id, stream_seq)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[])
       ON CONFLICT DO NOTHING RETURNING tenant_id, event_id`,
      [candidates.map((s) => s.event.tenantId), candidates.map((s) => s.event.id), candidates.map((s) => s.event.streamId), candidates.map((s) => s.seq)],
    );
    const fresh = new Set(inserted.map((r) => `${r.tenant_id}\u0000${r.event_id}`));
    const applied = candidates.filter((s) => fresh.has(`${s.event.tenantId}\u0000${s.event.id}`));
    await mergeSessionDeltas(manager, sessionDeltas(applied.map((s) => ({ event: s.event, seq: s.seq }))));
  },
};

import type { EntityManager } from 'typeorm';
import type { SessionEvent } from '@reverie/contracts';
import type { Projection, StoredEvent } from '@reverie/event-store';

export const SESSION_STARTS_PROJECTION = 'dreaming.session-starts';

/**
 * Counts new sessions per tenant for the every-N-sessions trigger: one row per started session
 * (insert-if-absent, so a redelivered SessionStarted counts once), and
 * `dreaming_tenant_state.sessions_since_dream` recomputed from those rows rather than incremented.
 * Tenants touched by a batch are remembered until `takeTouched()`, called after the commit.
 * Declares no tables, so `reverie rebuild` refuses it: `dreaming_tenant_state` also holds when
 * each tenant last dreamt, which is not in SESSIONS.
 */
export class SessionStartsProjection implements Projection<SessionEvent> {
  readonly name = SESSION_STARTS_PROJECTION;
  private touched = new Set<string>();

  async apply(manager: EntityManager, events: StoredEvent<SessionEvent>[]): Promise<void> {
    const starts = events.filter((e) => e.event.type === 'SessionStarted');
    const tenants = [...new Set(events.map((e) => e.event.tenantId))].sort();
    if (starts.length) {
      await manager.query(
        `INSERT INTO dreaming_session_starts (tenant_id, session_id, stream_seq)
         SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[]) ON CONFLICT DO NOTHING`,
        [starts.map((s) => s.event.tenantId), starts.map((s) => s.event.streamId), starts.map((s) => s.seq)],
      );
    }
    for (const tenant of tenants) {
      await manager.query(
        `INSERT INTO dreaming_tenant_state (tenant_id) VALUES ($1) ON CONFLICT (tenant_id) DO NOTHING`, [tenant]);
      await recountSessionsSinceDream(manager, tenant);
      this.touched.add(tenant);
    }
  }

  takeTouched(): string[] {
    const out = [...this.touched];
    this.touched.clear();
    return out;
  }
}

/** Sessions started after the last dream's window: recomputed from the rows, so it never drifts. */
export async function recountSessionsSinceDream(manager: EntityManager, tenantId: string): Promise<void> {
  await manager.query(
    `UPDATE dreaming_tenant_state t SET updated_at = now(), sessions_since_dream = (
       SELECT count(*) FROM dreaming_session_starts s WHERE s.tenant_id = t.tenant_id AND s.stream_seq > t.last_dream_to_seq)
     WHERE t.tenant_id = $1`,
    [tenantId],
  );
}

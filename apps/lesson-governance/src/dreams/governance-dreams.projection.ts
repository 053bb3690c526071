import type { EntityManager } from 'typeorm';
import type { DreamEvent, DreamView } from '@reverie/contracts';
import type { Projection, StoredEvent } from '@reverie/event-store';
import { evolveDreamView } from '@reverie/lesson-domain';
import { multiRowValues } from '@reverie/service-kit';

export const GOVERNANCE_DREAMS_PROJECTION = 'lesson-governance--dreams-projection';

const key = (tenantId: string, dreamId: string) => `${tenantId}\u0000${dreamId}`;

/**
 * DREAMS → `governance_dreams`, one DreamView per run, folded by lesson-domain's `evolveDreamView`
 * (the dream slice's `evolveDream` decides the status), the same fold dreaming answers with.
 */
export const governanceDreamsProjection: Projection<DreamEvent> = {
  name: GOVERNANCE_DREAMS_PROJECTION,
  tables: ['governance_dreams', 'governance_lesson_efficacy'],
  async apply(manager: EntityManager, events: StoredEvent<DreamEvent>[]): Promise<void> {
    const rows: { tenant_id: string; dream_id: string; view: DreamView }[] = await manager.query(
      `SELECT d.tenant_id, d.dream_id, d.view FROM governance_dreams d
       JOIN unnest($1::text[], $2::text[]) AS k(tenant_id, dream_id) USING (tenant_id, dream_id)`,
      [events.map((e) => e.event.tenantId), events.map((e) => e.event.streamId)],
    );
    const views = new Map(rows.map((r) => [key(r.tenant_id, r.dream_id), r.view]));
    const changed = new Map<string, { view: DreamView; lastEventId: string }>();
    for (const { event } of events) {
      const k = key(event.tenantId, event.streamId);
      const view = evolveDreamView(views.get(k), event);
      views.set(k, view);
      changed.set(k, { view, lastEventId: event.id });
    }
    const { sql, params } = multiRowValues(
      [...changed.values()].map(({ view, lastEventId }) => [view.tenantId, view.id, JSON.stringify(view), lastEventId]),
      ['', '', '::jsonb', ''],
    );
    await manager.query(
      `INSERT INTO governance_dreams (tenant_id, dream_id, view, last_event_id) VALUES ${sql}
       ON CONFLICT (tenant_id, dream_id) DO UPDATE SET view = EXCLUDED.view, last_event_id = EXCLUDED.last_event_id`,
      params,
    );
    await recordEfficacy(manager, events);
  },
};

/** Each dream's efficacy measurements: the latest one per lesson is kept (a replay in order ends on the same rows). */
async function recordEfficacy(manager: EntityManager, events: StoredEvent<DreamEvent>[]): Promise<void> {
  for (const { event } of events) {
    if (event.type !== 'DreamCompleted' || !event.data.efficacy?.length) continue;
    const { sql, params } = multiRowValues(
      event.data.efficacy.map((e) => [event.tenantId, e.lessonId, e.version, event.streamId, event.occurredAt, JSON.stringify(e)]),
      ['', '', '::integer', '', '::timestamptz', '::jsonb'],
    );
    await manager.query(
      `INSERT INTO governance_lesson_efficacy (tenant_id, lesson_id, version, dream_id, measured_at, efficacy) VALUES ${sql}
       ON CONFLICT (tenant_id, lesson_id) DO UPDATE SET version = EXCLUDED.version, dream_id = EXCLUDED.dream_id, measured_at = EXCLUDED.measured_at, efficacy = EXCLUDED.efficacy
       WHERE governance_lesson_efficacy.measured_at <= EXCLUDED.measured_at`,
      params,
    );
  }
}

export async function resetGovernanceDreams(manager: EntityManager): Promise<void> {
  await manager.query('DELETE FROM governance_dreams');
  await manager.query('DELETE FROM governance_lesson_efficacy');
}

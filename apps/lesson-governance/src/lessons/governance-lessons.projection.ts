import type { EntityManager } from 'typeorm';
import type { LessonsStreamEvent } from '@reverie/contracts';
import type { Projection, StoredEvent } from '@reverie/event-store';
import type { ProjectedLessonView } from '@reverie/lesson-domain';
import { multiRowValues } from '@reverie/service-kit';
import { lessonKey, planGovernanceBatch } from './governance-lessons.plan';

export const GOVERNANCE_LESSONS_PROJECTION = 'lesson-governance--lessons-projection';

/**
 * LESSONS → `governance_lessons` (the review read model, one view per lesson) and
 * `governance_audit` (every event: who, when, what). Idempotent by event id on both tables.
 */
export const governanceLessonsProjection: Projection<LessonsStreamEvent> = {
  name: GOVERNANCE_LESSONS_PROJECTION,
  tables: ['governance_lessons', 'governance_audit'],
  async apply(manager: EntityManager, events: StoredEvent<LessonsStreamEvent>[]): Promise<void> {
    const existing = await loadViews(manager, events);
    const { lessons, audit } = planGovernanceBatch(existing, events);
    if (lessons.length) {
      const { sql, params } = multiRowValues(
        lessons.map((r) => [r.tenantId, r.lessonId, r.view.status, r.view.kind, r.view.fingerprint, JSON.stringify(r.view), r.lastEventId, r.updatedAt]),
        ['', '', '', '', '', '::jsonb', '', '::timestamptz'],
      );
      await manager.query(
        `INSERT INTO governance_lessons (tenant_id, lesson_id, status, kind, fingerprint, view, last_event_id, updated_at) VALUES ${sql}
         ON CONFLICT (tenant_id, lesson_id) DO UPDATE SET status = EXCLUDED.status, kind = EXCLUDED.kind, fingerprint = EXCLUDED.fingerprint,
           view = EXCLUDED.view, last_event_id = EXCLUDED.last_event_id, updated_at = EXCLUDED.updated_at`,
        params,
      );
    }
    if (audit.length) {
      const { sql, params } = multiRowValues(
        audit.map((a) => [a.eventId, a.tenantId, a.lessonId, a.type, JSON.stringify(a.actor), a.occurredAt, a.streamSeq, JSON.stringify(a.data)]),
        ['', '', '', '', '::jsonb', '::timestamptz', '::bigint', '::jsonb'],
      );
      await manager.query(
        `INSERT INTO governance_audit (event_id, tenant_id, lesson_id, type, actor, occurred_at, stream_seq, data) VALUES ${sql} ON CONFLICT (event_id) DO NOTHING`,
        params,
      );
    }
  },
};

async function loadViews(manager: EntityManager, events: StoredEvent<LessonsStreamEvent>[]): Promise<Map<string, ProjectedLessonView>> {
  const tenants = events.map((e) => e.event.tenantId);
  const ids = events.map((e) => e.event.streamId);
  const rows: { tenant_id: string; lesson_id: string; view: ProjectedLessonView }[] = await manager.query(
    `SELECT l.tenant_id, l.lesson_id, l.view FROM governance_lessons l
     JOIN unnest($1::text[], $2::text[]) AS k(tenant_id, lesson_id) USING (tenant_id, lesson_id)`,
    [tenants, ids],
  );
  return new Map(rows.map((r) => [lessonKey(r.tenant_id, r.lesson_id), r.view]));
}

/** Empties the read model before a rebuild by replay. */
export async function resetGovernanceLessons(manager: EntityManager): Promise<void> {
  await manager.query('DELETE FROM governance_audit');
  await manager.query('DELETE FROM governance_lessons');
}

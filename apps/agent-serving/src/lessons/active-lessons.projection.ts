import type { EntityManager } from 'typeorm';
import { isTenantEvent, type LessonEvent, type LessonsStreamEvent } from '@reverie/contracts';
import type { Projection, StoredEvent } from '@reverie/event-store';
import type { ProjectedLessonView } from '@reverie/lesson-domain';
import { multiRowValues } from '@reverie/service-kit';
import { lessonKey, planActiveLessons } from './active-lessons.plan';

export const ACTIVE_LESSONS_PROJECTION = 'agent-serving--active-lessons';

/**
 * LESSONS → `serving_lesson_views` (every lesson's view, to know what an approval serves) and
 * `serving_active_lessons` (those with a live version: upsert it; otherwise delete).
 */
export const activeLessonsProjection: Projection<LessonsStreamEvent> = {
  name: ACTIVE_LESSONS_PROJECTION,
  tables: ['serving_lesson_views', 'serving_active_lessons', 'serving_lesson_versions'],
  async apply(manager: EntityManager, all: StoredEvent<LessonsStreamEvent>[]): Promise<void> {
    // The tenant's own aggregate (policy, quarantines) serves nothing: what it does to lessons comes as their events.
    const events = all.filter((e): e is StoredEvent<LessonEvent> => !isTenantEvent(e.event));
    if (!events.length) return;
    const rows: { tenant_id: string; lesson_id: string; view: ProjectedLessonView }[] = await manager.query(
      `SELECT v.tenant_id, v.lesson_id, v.view FROM serving_lesson_views v
       JOIN unnest($1::text[], $2::text[]) AS k(tenant_id, lesson_id) USING (tenant_id, lesson_id)`,
      [events.map((e) => e.event.tenantId), events.map((e) => e.event.streamId)],
    );
    const plan = planActiveLessons(new Map(rows.map((r) => [lessonKey(r.tenant_id, r.lesson_id), r.view])), events);
    if (plan.views.length) {
      const { sql, params } = multiRowValues(
        plan.views.map((v) => [v.tenantId, v.lessonId, JSON.stringify(v.view), v.lastEventId]),
        ['', '', '::jsonb', ''],
      );
      await manager.query(
        `INSERT INTO serving_lesson_views (tenant_id, lesson_id, view, last_event_id) VALUES ${sql}
         ON CONFLICT (tenant_id, lesson_id) DO UPDATE SET view = EXCLUDED.view, last_event_id = EXCLUDED.last_event_id`,
        params,
      );
    }
    if (plan.upserts.length) {
      const { sql, params } = multiRowValues(
        plan.upserts.map((u) => [u.tenantId, u.lessonId, u.agentId, u.kind, u.text, u.version, JSON.stringify(u.scope), u.approvedAt, JSON.stringify(u.live)]),
        ['', '', '', '', '', '::integer', '::jsonb', '::timestamptz', '::jsonb'],
      );
      await manager.query(
        `INSERT INTO serving_active_lessons (tenant_id, lesson_id, agent_id, kind, text, version, scope, approved_at, live) VALUES ${sql}
         ON CONFLICT (tenant_id, lesson_id) DO UPDATE SET agent_id = EXCLUDED.agent_id, kind = EXCLUDED.kind, text = EXCLUDED.text,
           version = EXCLUDED.version, scope = EXCLUDED.scope, approved_at = EXCLUDED.approved_at, live = EXCLUDED.live`,
        params,
      );
    }
    if (plan.removals.length) {
      await manager.query(
        `DELETE FROM serving_active_lessons a USING unnest($1::text[], $2::text[]) AS k(tenant_id, lesson_id)
         WHERE a.tenant_id = k.tenant_id AND a.lesson_id = k.lesson_id`,
        [plan.removals.map((r) => r.tenantId), plan.removals.map((r) => r.lessonId)],
      );
    }
    await recordVersions(manager, plan);
  },
};

/**
 * Every version that went live and until when: a new live version ends the one before it, a
 * removal ends the live one. A version that comes back (a rollback to it) is live again from then:
 * its row keeps its latest period. The texts stay sealed as the log has them.
 */
async function recordVersions(manager: EntityManager, plan: ReturnType<typeof planActiveLessons>): Promise<void> {
  for (const c of plan.versionChanges) {
    await manager.query(
      'UPDATE serving_lesson_versions SET live_until = $3::timestamptz WHERE tenant_id = $1 AND lesson_id = $2 AND live_until IS NULL',
      [c.tenantId, c.lessonId, c.at],
    );
    if (!c.live) continue;
    await manager.query(
      `INSERT INTO serving_lesson_versions (tenant_id, lesson_id, version, agent_id, kind, text, live_from) VALUES ($1, $2, $3, $4, $5, $6, $7::timestamptz)
       ON CONFLICT (tenant_id, lesson_id, version) DO UPDATE SET live_from = EXCLUDED.live_from, live_until = NULL`,
      [c.tenantId, c.lessonId, c.version, c.agentId, c.kind, c.text, c.at],
    );
  }
}

/** Empties the serving index before a rebuild by replay. */
export async function resetActiveLessons(manager: EntityManager): Promise<void> {
  await manager.query('DELETE FROM serving_active_lessons');
  await manager.query('DELETE FROM serving_lesson_views');
  await manager.query('DELETE FROM serving_lesson_versions');
}

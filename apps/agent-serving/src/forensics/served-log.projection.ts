import type { EntityManager } from 'typeorm';
import type { ServingEvent } from '@reverie/contracts';
import type { Projection, StoredEvent } from '@reverie/event-store';

export const SERVED_LOG_PROJECTION = 'agent-serving--served-log';

/**
 * SERVING → `serving_served_log` (every answer: who asked, for which agent and session, what was
 * served and withheld) and `serving_lesson_sessions` (per lesson, the sessions it reached and the
 * arm they were in: a bad lesson's blast radius). The runner's claims apply each event once.
 */
export const servedLogProjection: Projection<ServingEvent> = {
  name: SERVED_LOG_PROJECTION,
  tables: ['serving_served_log', 'serving_lesson_sessions'],
  async apply(manager: EntityManager, events: StoredEvent<ServingEvent>[]): Promise<void> {
    for (const { event } of events) {
      if (event.type !== 'LessonsServed') continue;
      const d = event.data;
      await manager.query(
        `INSERT INTO serving_served_log (tenant_id, event_id, agent_id, session_id, occurred_at, served, withheld, actor)
         VALUES ($1, $2, $3, $4, $5::timestamptz, $6::jsonb, $7::jsonb, $8) ON CONFLICT DO NOTHING`,
        [event.tenantId, event.id, d.agentId, d.sessionId ?? null, event.occurredAt, JSON.stringify(d.lessons), JSON.stringify(d.withheld ?? []), event.actor.id],
      );
      if (!d.sessionId) continue;
      const arms = [...d.lessons.map((l) => ({ ...l, arm: 'served' })), ...(d.withheld ?? []).map((l) => ({ ...l, arm: 'withheld' }))];
      for (const a of arms) {
        await manager.query(
          `INSERT INTO serving_lesson_sessions (tenant_id, lesson_id, session_id, agent_id, arm, versions, first_at, last_at, answers)
           VALUES ($1, $2, $3, $4, $5, ARRAY[$6::int], $7::timestamptz, $7::timestamptz, 1)
           ON CONFLICT (tenant_id, lesson_id, session_id) DO UPDATE SET
             versions = CASE WHEN $6::int = ANY(serving_lesson_sessions.versions) THEN serving_lesson_sessions.versions ELSE serving_lesson_sessions.versions || $6::int END,
             first_at = LEAST(serving_lesson_sessions.first_at, EXCLUDED.first_at), last_at = GREATEST(serving_lesson_sessions.last_at, EXCLUDED.last_at),
             answers = serving_lesson_sessions.answers + 1`,
          [event.tenantId, a.lessonId, d.sessionId, d.agentId, a.arm, a.version, event.occurredAt],
        );
      }
    }
  },
};

export async function resetServedLog(manager: EntityManager): Promise<void> {
  await manager.query('DELETE FROM serving_served_log');
  await manager.query('DELETE FROM serving_lesson_sessions');
}

import { servingEventSchema } from '@reverie/contracts';
import type { LiveLessonRef, ServingArm } from '@reverie/dreaming-domain';
import { replay, type EventStore } from '@reverie/event-store';
import type { DataSource } from 'typeorm';

/** The tenant's live lessons (canary or active) with the version served, from dreaming's lesson index. */
export async function liveLessons(ds: DataSource, tenantId: string): Promise<LiveLessonRef[]> {
  const rows: { lesson_id: string; fingerprint: string; version: string | null }[] = await ds.query(
    `SELECT lesson_id, fingerprint, state->'live'->>'version' AS version FROM dreaming_lesson_index
     WHERE tenant_id = $1 AND state->'live' IS NOT NULL ORDER BY lesson_id`,
    [tenantId],
  );
  return rows.flatMap((r) => (r.version ? [{ lessonId: r.lesson_id, fingerprint: r.fingerprint, version: Number(r.version) }] : []));
}

/**
 * Every session's arm for the lessons it was served or withheld, in SERVING's order (a session's
 * first record wins), read from the tenant's SERVING subjects. Answers without a session id are no
 * arm: nothing says which session they shaped. Only the live lessons' arms are kept.
 */
export async function servingArms(store: EventStore, tenantId: string, live: readonly LiveLessonRef[]): Promise<ServingArm[]> {
  if (!live.length) return [];
  const wanted = new Set(live.map((l) => l.lessonId));
  const arms: ServingArm[] = [];
  for await (const batch of replay(store, 'serving', servingEventSchema, { filterSubject: store.topology.tenantWildcard('serving', tenantId) })) {
    for (const { event } of batch) {
      if (event.type !== 'LessonsServed' || !event.data.sessionId) continue;
      const sessionId = event.data.sessionId;
      for (const l of event.data.lessons) if (wanted.has(l.lessonId)) arms.push({ lessonId: l.lessonId, version: l.version, sessionId, arm: 'served' });
      for (const l of event.data.withheld ?? []) if (wanted.has(l.lessonId)) arms.push({ lessonId: l.lessonId, version: l.version, sessionId, arm: 'control' });
    }
  }
  return arms;
}

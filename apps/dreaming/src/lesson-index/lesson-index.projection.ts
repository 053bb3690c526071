import type { EntityManager } from 'typeorm';
import { isTenantEvent, type LessonEvent, type LessonsStreamEvent, type QuarantinedSource, type TenantEvent } from '@reverie/contracts';
import type { ExistingLesson } from '@reverie/dreaming-domain';
import type { Projection, StoredEvent } from '@reverie/event-store';
import { evolve, initialLessonState, type LessonState } from '@reverie/lesson-domain';

export const LESSON_INDEX_PROJECTION = 'dreaming.lesson-index';

interface IndexRow {
  tenantId: string;
  lessonId: string;
  state: LessonState;
  evidenceEventIds: string[];
  lastEventId: string | null;
}

/**
 * What dreaming needs to dedup against the lessons that exist: fingerprint, status, support, support
 * at rejection and every cited event id, per lesson. Folds with the lesson decider's own `evolve`
 * (which ignores a second proposal and evidence from a dream already counted), and evidence ids are
 * a set union, so delivering an event twice changes nothing.
 */
export const lessonIndexProjection: Projection<LessonsStreamEvent> = {
  name: LESSON_INDEX_PROJECTION,
  tables: ['dreaming_lesson_index', 'dreaming_quarantine'],
  async apply(manager: EntityManager, all: StoredEvent<LessonsStreamEvent>[]): Promise<void> {
    await recordQuarantines(manager, all.flatMap((e) => (isTenantEvent(e.event) ? [e.event] : [])));
    const events = all.filter((e): e is StoredEvent<LessonEvent> => !isTenantEvent(e.event));
    const keys = [...new Set(events.map(({ event }) => `${event.tenantId}\u0000${event.streamId}`))];
    const rows = await loadRows(manager, keys.map((k) => k.split('\u0000') as [string, string]));
    for (const { event } of events) {
      const key = `${event.tenantId}\u0000${event.streamId}`;
      const row = rows.get(key) ?? { tenantId: event.tenantId, lessonId: event.streamId, state: initialLessonState(), evidenceEventIds: [], lastEventId: null };
      if (row.lastEventId === event.id) continue;
      row.state = evolve(row.state, event);
      const refs = event.type === 'LessonProposed' || event.type === 'LessonEvidenceAdded' ? event.data.evidence.refs : [];
      if (refs.length) row.evidenceEventIds = [...new Set([...row.evidenceEventIds, ...refs.map((r) => r.eventId)])];
      row.lastEventId = event.id;
      rows.set(key, row);
    }
    for (const row of rows.values()) {
      const s = row.state;
      if (s.status === 'initial') continue; // events on a lesson never proposed: nothing to index
      await manager.query(
        `INSERT INTO dreaming_lesson_index (tenant_id, lesson_id, fingerprint, status, support_sessions, support_at_rejection, evidence_event_ids, last_event_id, state)
         VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9::jsonb)
         ON CONFLICT (tenant_id, lesson_id) DO UPDATE SET fingerprint = $3, status = $4, support_sessions = $5,
           support_at_rejection = $6, evidence_event_ids = $7::jsonb, last_event_id = $8, state = $9::jsonb`,
        [row.tenantId, row.lessonId, s.fingerprint, s.status, s.support.sessions, s.status === 'rejected' ? s.supportAtRejection : null,
          JSON.stringify(row.evidenceEventIds), row.lastEventId, JSON.stringify(s)],
      );
    }
  },
};

/** Quarantined sources (SourcesQuarantined on the tenant's aggregate): later dreams leave them out. */
async function recordQuarantines(manager: EntityManager, events: TenantEvent[]): Promise<void> {
  for (const e of events) {
    if (e.type !== 'SourcesQuarantined') continue;
    for (const s of e.data.sources) {
      await manager.query(
        `INSERT INTO dreaming_quarantine (tenant_id, kind, source_id, revocation_id, quarantined_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (tenant_id, kind, source_id) DO NOTHING`,
        [e.tenantId, s.kind, s.id, e.data.revocationId, e.occurredAt],
      );
    }
  }
}

/** The sources quarantined in a tenant. */
export async function quarantinedSources(manager: EntityManager, tenantId: string): Promise<QuarantinedSource[]> {
  const rows: { kind: QuarantinedSource['kind']; source_id: string }[] = await manager.query('SELECT kind, source_id FROM dreaming_quarantine WHERE tenant_id = $1', [tenantId]);
  return rows.map((r) => ({ kind: r.kind, id: r.source_id }));
}

async function loadRows(manager: EntityManager, keys: [string, string][]): Promise<Map<string, IndexRow>> {
  const out = new Map<string, IndexRow>();
  if (!keys.length) return out;
  const found: { tenant_id: string; lesson_id: string; state: LessonState | null; evidence_event_ids: string[]; last_event_id: string | null }[] = await manager.query(
    `SELECT tenant_id, lesson_id, state, evidence_event_ids, last_event_id FROM dreaming_lesson_index
     WHERE (tenant_id, lesson_id) IN (SELECT * FROM unnest($1::text[], $2::text[])) FOR UPDATE`,
    [keys.map((k) => k[0]), keys.map((k) => k[1])],
  );
  for (const r of found) {
    out.set(`${r.tenant_id}\u0000${r.lesson_id}`, {
      tenantId: r.tenant_id, lessonId: r.lesson_id, state: r.state ?? initialLessonState(),
      evidenceEventIds: r.evidence_event_ids ?? [], lastEventId: r.last_event_id,
    });
  }
  return out;
}

/** Every lesson of a tenant, as the dedup decider wants it. */
export async function existingLessons(manager: EntityManager, tenantId: string): Promise<ExistingLesson[]> {
  const rows: { lesson_id: string; fingerprint: string; status: ExistingLesson['status']; support_sessions: number; support_at_rejection: number | null; evidence_event_ids: string[]; words_erased: boolean | null }[] =
    await manager.query(
      `SELECT lesson_id, fingerprint, status, support_sessions, support_at_rejection, evidence_event_ids, (state->>'wordsErased')::boolean AS words_erased
       FROM dreaming_lesson_index WHERE tenant_id = $1 ORDER BY lesson_id`,
      [tenantId],
    );
  return rows.map((r) => ({
    id: r.lesson_id, fingerprint: r.fingerprint, status: r.status, supportSessions: r.support_sessions,
    ...(r.support_at_rejection !== null && { supportAtRejection: r.support_at_rejection }),
    evidenceEventIds: r.evidence_event_ids,
    ...(r.words_erased && { wordsErased: true }),
  }));
}

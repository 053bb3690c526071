import { isTenantEvent, type LessonEvent, type LessonsStreamEvent } from '@reverie/contracts';
import type { StoredEvent } from '@reverie/event-store';
import { evolveLessonView, type ProjectedLessonView } from '@reverie/lesson-domain';

export interface GovernanceLessonRow {
  tenantId: string;
  lessonId: string;
  view: ProjectedLessonView;
  lastEventId: string;
  updatedAt: string;
}

export interface GovernanceAuditRow {
  eventId: string;
  tenantId: string;
  lessonId: string;
  type: LessonsStreamEvent['type'];
  actor: LessonEvent['actor'];
  occurredAt: string;
  streamSeq: number;
  data: LessonsStreamEvent['data'];
}

export const lessonKey = (tenantId: string, lessonId: string) => `${tenantId}\u0000${lessonId}`;

/**
 * What a batch of LESSONS events changes: the views that moved (folded with evolveLessonView, so an
 * event already in a view changes nothing) and one audit row per event (inserted or ignored by id).
 */
export function planGovernanceBatch(
  existing: ReadonlyMap<string, ProjectedLessonView>,
  events: StoredEvent<LessonsStreamEvent>[],
): { lessons: GovernanceLessonRow[]; audit: GovernanceAuditRow[] } {
  const changed = new Map<string, GovernanceLessonRow>();
  const views = new Map(existing);
  const audit: GovernanceAuditRow[] = [];
  for (const { event, seq } of events) {
    const row = {
      eventId: event.id,
      tenantId: event.tenantId,
      lessonId: event.streamId,
      type: event.type,
      actor: event.actor,
      occurredAt: event.occurredAt,
      streamSeq: seq,
      data: event.data,
    };
    audit.push(row);
    // The tenant's own aggregate (policy, quarantines) is audited, not a lesson view.
    if (isTenantEvent(event)) continue;
    const key = lessonKey(event.tenantId, event.streamId);
    const before = views.get(key);
    const after = evolveLessonView(before, event);
    if (before && after.appliedEventIds.length === before.appliedEventIds.length) continue;
    views.set(key, after);
    changed.set(key, { tenantId: event.tenantId, lessonId: event.streamId, view: after, lastEventId: event.id, updatedAt: event.occurredAt });
  }
  return { lessons: [...changed.values()], audit };
}

/** The view as the API shows it: without the projection's bookkeeping. */
export function publicLessonView(view: ProjectedLessonView): Omit<ProjectedLessonView, 'appliedEventIds' | 'lifecycle'> {
  const { appliedEventIds: _ids, lifecycle: _state, ...rest } = view;
  return rest;
}

import type { LessonEvent } from '@reverie/contracts';
import type { StoredEvent } from '@reverie/event-store';
import { evolveLessonView, servedLesson, type ProjectedLessonView } from '@reverie/lesson-domain';

export interface ActiveLessonRow {
  tenantId: string;
  lessonId: string;
  /** Unset: served to every agent of the tenant. */
  agentId: string | null;
  kind: string;
  text: string;
  version: number;
  scope: unknown;
  approvedAt: string;
}

export interface ActiveLessonsPlan {
  /** Every lesson view that moved, to store (approval events carry no text: it comes from these). */
  views: { tenantId: string; lessonId: string; view: ProjectedLessonView; lastEventId: string }[];
  /** Lessons approved now: upsert. */
  upserts: ActiveLessonRow[];
  /** Lessons no longer approved (rejected, retired, reopened): delete. */
  removals: { tenantId: string; lessonId: string }[];
}

export const lessonKey = (tenantId: string, lessonId: string) => `${tenantId}\u0000${lessonId}`;

/**
 * What a batch of LESSONS events changes in the serving index. Views fold with evolveLessonView,
 * so an event already folded changes nothing; the active row follows the view's final status.
 */
export function planActiveLessons(existing: ReadonlyMap<string, ProjectedLessonView>, events: StoredEvent<LessonEvent>[]): ActiveLessonsPlan {
  const views = new Map(existing);
  const changed = new Map<string, ActiveLessonsPlan['views'][number]>();
  for (const { event } of events) {
    const key = lessonKey(event.tenantId, event.streamId);
    const before = views.get(key);
    const after = evolveLessonView(before, event);
    if (before && after.appliedEventIds.length === before.appliedEventIds.length) continue;
    views.set(key, after);
    changed.set(key, { tenantId: event.tenantId, lessonId: event.streamId, view: after, lastEventId: event.id });
  }
  const upserts: ActiveLessonRow[] = [];
  const removals: ActiveLessonsPlan['removals'] = [];
  for (const { tenantId, lessonId, view } of changed.values()) {
    const served = servedLesson(view);
    if (!served) {
      removals.push({ tenantId, lessonId });
      continue;
    }
    upserts.push({
      tenantId,
      lessonId,
      agentId: served.scope.agentId ?? null,
      kind: served.kind,
      text: served.text,
      version: served.version,
      scope: served.scope,
      approvedAt: view.decidedAt ?? view.proposedAt,
    });
  }
  return { views: [...changed.values()], upserts, removals };
}

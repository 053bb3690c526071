import type { LessonEvent, LiveLesson } from '@reverie/contracts';
import type { StoredEvent } from '@reverie/event-store';
import { evolveLessonView, type ProjectedLessonView } from '@reverie/lesson-domain';

export interface ActiveLessonRow {
  tenantId: string;
  lessonId: string;
  /** Unset: served to every agent of the tenant. */
  agentId: string | null;
  kind: string;
  text: string;
  version: number;
  scope: unknown;
  /** When the live version went live. */
  approvedAt: string;
  /** The live version: its stage (canary share) and review-by date decide, per request, whether it is served. */
  live: LiveLesson;
  /** When the change was made (the event's time): what forensics dates a version's time live by. */
  at: string;
}

export interface ActiveLessonsPlan {
  /** Every lesson view that moved, to store (approval events carry no text: it comes from these). */
  views: { tenantId: string; lessonId: string; view: ProjectedLessonView; lastEventId: string }[];
  /** Lessons with a live version: upsert. */
  upserts: ActiveLessonRow[];
  /** Lessons with no live version any more (retired, rolled back with nothing before, expired): delete, as of `at`. */
  removals: { tenantId: string; lessonId: string; at: string }[];
  /**
   * Every change of the live version, event by event, in order (a batch may hold several for one
   * lesson: a replay folds a lesson's whole history at once): what forensics dates versions by.
   */
  versionChanges: VersionChange[];
}

/** The live version of a lesson changed at `at`: to `version` (with its text), or to none. */
export type VersionChange = { tenantId: string; lessonId: string; at: string } & (
  | { live: true; version: number; text: string; kind: string; agentId: string | null }
  | { live: false }
);

export const lessonKey = (tenantId: string, lessonId: string) => `${tenantId}\u0000${lessonId}`;

/**
 * What a batch of LESSONS events changes in the serving index. Views fold with evolveLessonView,
 * so an event already folded changes nothing; the active row follows the view's live version.
 */
export function planActiveLessons(existing: ReadonlyMap<string, ProjectedLessonView>, events: StoredEvent<LessonEvent>[]): ActiveLessonsPlan {
  const views = new Map(existing);
  const changed = new Map<string, ActiveLessonsPlan['views'][number]>();
  const changedAt = new Map<string, string>();
  const versionChanges: VersionChange[] = [];
  for (const { event } of events) {
    const key = lessonKey(event.tenantId, event.streamId);
    const before = views.get(key);
    const after = evolveLessonView(before, event);
    if (before && after.appliedEventIds.length === before.appliedEventIds.length) continue;
    views.set(key, after);
    changed.set(key, { tenantId: event.tenantId, lessonId: event.streamId, view: after, lastEventId: event.id });
    changedAt.set(key, event.occurredAt);
    if (before?.live?.version !== after.live?.version || (before?.live === undefined) !== (after.live === undefined)) {
      const where = { tenantId: event.tenantId, lessonId: event.streamId, at: event.occurredAt };
      versionChanges.push(after.live
        ? { ...where, live: true, version: after.live.version, text: after.live.text, kind: after.kind, agentId: after.scope.agentId ?? null }
        : { ...where, live: false });
    }
  }
  const upserts: ActiveLessonRow[] = [];
  const removals: ActiveLessonsPlan['removals'] = [];
  for (const [key, { tenantId, lessonId, view }] of changed) {
    const live = view.live;
    const at = changedAt.get(key) as string;
    if (!live) {
      removals.push({ tenantId, lessonId, at });
      continue;
    }
    upserts.push({
      tenantId,
      lessonId,
      agentId: view.scope.agentId ?? null,
      kind: view.kind,
      text: live.text,
      version: live.version,
      scope: view.scope,
      approvedAt: live.since || view.decidedAt || view.proposedAt,
      live,
      at,
    });
  }
  return { views: [...changed.values()], upserts, removals, versionChanges };
}

import { newId, type Actor, type LiveLesson, type ServedLesson } from '@reverie/contracts';
import { LessonsServed } from '@reverie/contracts';
import { servedLesson } from '@reverie/lesson-domain';
import type { z } from 'zod';

export type LessonsServedEvent = z.infer<typeof LessonsServed>;

export interface ActiveLessonRecord {
  lesson_id: string;
  /** Null: served to every agent of the tenant. */
  agent_id?: string | null;
  kind: ServedLesson['kind'];
  scope: ServedLesson['scope'];
  live: LiveLesson;
  confidence?: number | null;
}

export interface ServingDraw {
  lessons: ServedLesson[];
  /** Canary lessons the subject was not drawn for. */
  withheld: { lessonId: string; version: number }[];
}

/**
 * What one request is served of the stored live lessons: lesson-domain's `servedLesson` decides
 * for each (canary draw, review-by date); the canaries it holds back are the control arm.
 */
export function drawServedLessons(rows: ActiveLessonRecord[], request: { subject: string; now: string }): ServingDraw {
  const draw: ServingDraw = { lessons: [], withheld: [] };
  for (const row of rows) {
    const served = servedLesson({ id: row.lesson_id, kind: row.kind, scope: row.scope, live: row.live }, request);
    if (served) draw.lessons.push(served);
    else if (row.live.stage === 'canary' && !(row.live.reviewBy && Date.parse(row.live.reviewBy) <= Date.parse(request.now))) {
      draw.withheld.push({ lessonId: row.lesson_id, version: row.live.version });
    }
  }
  return draw;
}

/**
 * The SERVING record of one answer: which lesson versions an agent (and session) was given, when,
 * and who asked (the verified caller: the agent's key, or a person looking at what it is served).
 */
export function lessonsServedEvent(input: { tenantId: string; agentId: string; sessionId?: string; lessons: ServedLesson[]; withheld?: ServingDraw['withheld']; actor: Actor; now: Date; correlationId?: string; id?: string }): LessonsServedEvent {
  const id = input.id ?? newId();
  const at = input.now.toISOString();
  return LessonsServed.parse({
    id,
    type: 'LessonsServed',
    schemaVersion: 1,
    tenantId: input.tenantId,
    streamId: input.agentId,
    occurredAt: at,
    recordedAt: at,
    actor: input.actor,
    correlationId: input.correlationId ?? id,
    data: {
      agentId: input.agentId,
      ...(input.sessionId !== undefined && { sessionId: input.sessionId }),
      lessons: input.lessons.map((l) => ({ lessonId: l.id, version: l.version, ...(l.stage && { stage: l.stage }) })),
      ...(input.withheld?.length && { withheld: input.withheld }),
    },
  });
}

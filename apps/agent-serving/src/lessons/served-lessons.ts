import { newId, type Actor, type LiveLesson, type ServedLesson } from '@reverie/contracts';
import { LessonsServed } from '@reverie/contracts';
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

/**
 * The SERVING record of one answer: which lesson versions an agent (and session) was given, when,
 * and who asked (the verified caller: the agent's key, or a person looking at what it is served).
 */
export function lessonsServedEvent(input: { tenantId: string; agentId: string; sessionId?: string; lessons: ServedLesson[]; withheld?: { lessonId: string; version: number }[]; actor: Actor; now: Date; correlationId?: string; id?: string }): LessonsServedEvent {
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

import { newId, type Actor, type LiveLesson, type ServedLesson } from '@reverie/contracts';
import { LessonsServed, OutcomeReported } from '@reverie/contracts';
import { BadRequestException } from '@nestjs/common';
import type { OutcomeReport } from '@reverie/lessons-mcp';
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

/** The SERVING record of an agent's report on a session; a malformed report is refused naming what is wrong. */
export function outcomeReportedEvent(input: { tenantId: string; agentId: string; report: OutcomeReport; actor: Actor; now: Date; correlationId?: string; id?: string }): z.infer<typeof OutcomeReported> {
  const id = input.id ?? newId();
  const at = input.now.toISOString();
  const { sessionId, outcome, lessonId, rating } = input.report;
  const parsed = OutcomeReported.safeParse({
    id, type: 'OutcomeReported', schemaVersion: 1, tenantId: input.tenantId, streamId: input.agentId, occurredAt: at, recordedAt: at,
    actor: input.actor, correlationId: input.correlationId ?? id,
    data: { agentId: input.agentId, sessionId, ...(outcome && { outcome }), ...(lessonId && { lessonId }), ...(rating && { rating }) },
  });
  if (!parsed.success) throw new BadRequestException(`the report is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'report'}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

import { lessonEventSchema, type LessonEvent } from '@reverie/contracts';
import type { LessonCommandMetadata } from './lesson.commands';
import { LessonDomainError } from './lesson-domain.error';
import type { LessonEventRecord } from './lesson.event-records';

/** Gives each new event its id; pass a deterministic one (e.g. from the command id) to make appends idempotent. */
export type EventIdFactory = (event: LessonEventRecord, index: number) => string;

export const LESSON_EVENT_SCHEMA_VERSION = 1;

/**
 * Wraps decided events in envelopes for the LESSONS stream (`lessons.<tenantId>.<lessonId>`),
 * with the command's clock, actor and correlation. Each envelope is checked against the contract.
 */
export function toEnvelopes(
  tenantId: string,
  lessonId: string,
  events: LessonEventRecord[],
  metadata: LessonCommandMetadata,
  idFactory: EventIdFactory,
): LessonEvent[] {
  return events.map((event, index) => {
    const envelope = {
      id: idFactory(event, index),
      type: event.type,
      schemaVersion: LESSON_EVENT_SCHEMA_VERSION,
      tenantId,
      streamId: lessonId,
      occurredAt: metadata.now,
      recordedAt: metadata.now,
      actor: metadata.actor,
      correlationId: metadata.correlationId,
      ...(metadata.causationId !== undefined && { causationId: metadata.causationId }),
      data: event.data,
    };
    const parsed = lessonEventSchema.safeParse(envelope);
    if (!parsed.success) {
      const why = parsed.error.issues.map((i) => `${i.path.join('.') || '(envelope)'}: ${i.message}`).join('; ');
      throw new LessonDomainError('invalid-event', `${event.type} envelope is invalid: ${why}`);
    }
    return parsed.data;
  });
}

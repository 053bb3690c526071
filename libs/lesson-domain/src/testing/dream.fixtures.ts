import { dreamEventSchema, type Actor, type DreamEvent } from '@reverie/contracts';
import type { DreamCommand, DreamCommandMetadata } from '../dream/dream.commands';
import type { DreamEventRecord } from '../dream/dream.event-records';
import { dreaming, TENANT } from './lesson.fixtures';

export { dreaming, TENANT };
export const DREAM_ID = 'dream-1';

export const dreamMeta = (actor: Actor = dreaming, now = '2025-03-01T10:00:00.000Z'): DreamCommandMetadata => ({
  now,
  actor,
  correlationId: DREAM_ID,
});

export const requested = (trigger: 'manual' | 'schedule' | 'session-count' = 'manual', requestedBy = 'http'): DreamEventRecord => ({
  type: 'DreamRequested',
  data: { trigger, requestedBy },
});
export const started = (fromSeq = 1, toSeq = 40): DreamEventRecord => ({
  type: 'DreamStarted',
  data: { window: { fromSeq, toSeq }, analyzerVersion: 'dreaming-domain/1.1.0', thresholds: { minSessions: 3 }, synthesizer: 'template' },
});
export const completed = (proposedLessonIds: string[] = ['lesson-1'], reinforcedLessonIds: string[] = ['lesson-2']): DreamEventRecord => ({
  type: 'DreamCompleted',
  data: { counts: { sessions: 40, proposed: proposedLessonIds.length }, tokens: { input: 10, output: 5 }, durationMs: 1200, proposedLessonIds, reinforcedLessonIds },
});
export const failed = (error = 'boom'): DreamEventRecord => ({ type: 'DreamFailed', data: { error } });

export const dreamCommand = <C extends DreamCommand>(type: C['type'], data: C['data'], actor: Actor = dreaming): C =>
  ({ type, data, metadata: dreamMeta(actor) }) as C;

let seq = 0;
/** A stored event as DREAMS would hold it; `at` is its occurredAt. */
export function storedDream(record: DreamEventRecord | DreamEvent, at = '2025-03-01T10:00:00.000Z', dreamId = DREAM_ID): DreamEvent {
  if ('id' in record) return record;
  return dreamEventSchema.parse({
    id: `dream-evt-${++seq}`, type: record.type, schemaVersion: 1, tenantId: TENANT, streamId: dreamId,
    occurredAt: at, recordedAt: at, actor: dreaming, correlationId: dreamId, data: record.data,
  });
}

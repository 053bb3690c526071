import { deterministicId, dreamEventSchema, type Actor, type DreamEvent } from '@reverie/contracts';

export const DREAM_EVENT_SCHEMA_VERSION = 1;
export const DREAMING_ACTOR: Actor = { kind: 'service', id: 'dreaming' };

type DataOf<T extends DreamEvent['type']> = Extract<DreamEvent, { type: T }>['data'];

/**
 * A DREAMS envelope, checked against the contract. Event ids are derived from the dream id and the
 * type (each type occurs once per dream), so a retried append is dropped as a duplicate.
 */
export function dreamEvent<T extends DreamEvent['type']>(type: T, tenantId: string, dreamId: string, data: DataOf<T>, now: string, causationId?: string): DreamEvent {
  const parsed = dreamEventSchema.safeParse({
    id: deterministicId('dream-event', tenantId, dreamId, type),
    type, schemaVersion: DREAM_EVENT_SCHEMA_VERSION, tenantId, streamId: dreamId,
    occurredAt: now, recordedAt: now, actor: DREAMING_ACTOR, correlationId: dreamId,
    ...(causationId !== undefined && { causationId }),
    data,
  });
  if (!parsed.success) {
    throw new Error(`${type} for dream ${dreamId} is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

import { deterministicId, dreamEventSchema, type Actor, type DreamEvent } from '@reverie/contracts';
import { decideDream, type DreamCommand, type DreamCommandMetadata, type DreamState } from '@reverie/lesson-domain';

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

/** This service's commands on a dream: its clock, its actor, the dream as the correlation. */
export function dreamCommandMetadata(dreamId: string, now: string, causationId?: string): DreamCommandMetadata {
  return { now, actor: DREAMING_ACTOR, correlationId: dreamId, ...(causationId !== undefined && { causationId }) };
}

/**
 * What the dream slice (lesson-domain `decideDream`) decides for a command on the dream in `state`,
 * as DREAMS envelopes ready to append; throws its DreamDomainError when the command is refused.
 */
export function decideDreamEvents(tenantId: string, dreamId: string, state: DreamState, command: DreamCommand): DreamEvent[] {
  const { now, causationId } = command.metadata;
  return decideDream(command, state).map((e) => dreamEvent(e.type, tenantId, dreamId, e.data, now, causationId));
}

import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { newId, TENANT_STREAM_ID, tenantEventSchema, type TenantEvent } from '@reverie/contracts';
import type { EventStore } from '@reverie/event-store';
import { evolveTenantAll, type LessonCommandMetadata, type TenantState } from '@reverie/lesson-domain';
import { EVENT_STORE } from '@reverie/service-kit';
import { LOGGER } from '../app.tokens';

type TenantRecord = { [K in TenantEvent['type']]: { type: K; data: Extract<TenantEvent, { type: K }>['data'] } }[TenantEvent['type']];

/**
 * The tenant's own aggregate on LESSONS (`lessons.<tenant>._tenant`): its governance policy and
 * its quarantined sources, read from the log itself (so a decision right after a change sees it)
 * and appended with the subject's expected last sequence.
 */
@Injectable()
export class TenantAggregate {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async load(tenantId: string): Promise<{ state: TenantState; lastSeq: number }> {
    const { events, lastSeq } = await this.store.readAggregate('lessons', tenantId, TENANT_STREAM_ID);
    const valid: TenantEvent[] = [];
    for (const stored of events) {
      const parsed = tenantEventSchema.safeParse(stored.event);
      if (parsed.success) valid.push(parsed.data);
      else this.logger.warn({ tenantId, seq: stored.seq, error: parsed.error.message.slice(0, 300) }, 'skipping an invalid event of the tenant aggregate');
    }
    return { state: evolveTenantAll(valid), lastSeq };
  }

  /** Throws ConcurrencyError when another change came first: the caller reads again and decides again. */
  async append(tenantId: string, record: TenantRecord, metadata: LessonCommandMetadata, lastSeq: number, id = newId()): Promise<TenantEvent> {
    const event = tenantEventSchema.parse({
      id, type: record.type, schemaVersion: 1, tenantId, streamId: TENANT_STREAM_ID, occurredAt: metadata.now, recordedAt: metadata.now,
      actor: metadata.actor, correlationId: metadata.correlationId, ...(metadata.causationId && { causationId: metadata.causationId }), data: record.data,
    });
    await this.store.appendToAggregate('lessons', [event], lastSeq);
    return event;
  }
}

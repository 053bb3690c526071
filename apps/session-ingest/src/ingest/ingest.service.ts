import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Counter } from 'prom-client';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { SessionEvent } from '@reverie/contracts';
import type { EventStore } from '@reverie/event-store';
import type { IngestRejectionDetail, IngestResponse } from '@reverie/ingest-client';
import { BatchError, validateBatch, type IngestLimits } from '@reverie/ingest-validation';
import type { SessionCipher } from '@reverie/content-crypto';
import { accountableIds, DATA_SOURCE, EVENT_STORE, METRICS, SESSION_CIPHER, type Principal, type ServiceMetrics } from '@reverie/service-kit';
import { CLOCK, INGEST_CONFIG, LOGGER, type Clock } from '../app.tokens';
import { ingestLimits, type IngestConfig } from '../config/ingest.config';
import { DEVELOPMENT_KEY_WARNING, pseudonymKeys } from '../config/pseudonym-keys';
import { fromBatchError, unavailable } from './ingest.errors';
import { knownEventIds } from './known-event-ids';
import { TenantRedactors } from './tenant-redactors';

/**
 * The ingest pipeline shared by HTTP, OTLP and the NATS subject: validate each event on its own,
 * redact the valid ones, drop ids already recorded, append the rest to SESSIONS with many
 * publishes in flight, and answer only after JetStream acknowledged every one of them.
 */
@Injectable()
export class IngestService {
  private readonly events?: Counter<'result'>;
  private readonly rejections?: Counter<'field'>;
  private readonly limits: IngestLimits;
  private readonly redactors: TenantRedactors;
  private readonly maxInFlight: number;
  private readonly sealContent: boolean;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(INGEST_CONFIG) config: IngestConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SESSION_CIPHER) private readonly cipher: SessionCipher,
    @Optional() @Inject(METRICS) metrics?: ServiceMetrics,
  ) {
    this.events = metrics?.counter('reverie_ingest_events_total', 'Session events received, by result (accepted, duplicate, rejected)', ['result']);
    this.rejections = metrics?.counter('reverie_ingest_rejections_total', 'Session events rejected, by the field that was wrong (event: the whole event)', ['field']);
    this.limits = ingestLimits(config);
    const keys = pseudonymKeys(config);
    if (keys.development) logger.warn(DEVELOPMENT_KEY_WARNING);
    this.redactors = new TenantRedactors(config.REVERIE_REDACTION_RULES, keys.keyFor);
    this.maxInFlight = config.INGEST_PUBLISH_MAX_IN_FLIGHT;
    this.sealContent = config.INGEST_SEAL_CONTENT;
  }

  /**
   * `body` is `{ events: [...] }` as parsed JSON, sent by `caller`: its tenant is the events'
   * tenant and its accountable identities their `ingestedBy`. Throws IngestRefusedError for a
   * request refused as a whole.
   */
  async ingest(caller: Principal, body: unknown): Promise<IngestResponse> {
    const { tenantId } = caller;
    let validation;
    try {
      validation = validateBatch(body, { tenantId, limits: this.limits, now: this.clock().toISOString(), ingestedBy: accountableIds(caller) });
    } catch (err) {
      if (err instanceof BatchError) throw fromBatchError(err);
      throw err;
    }
    const rejected: IngestRejectionDetail[] = validation.rejected.map((r) => ({
      index: r.index,
      ...(r.eventId !== undefined && { eventId: r.eventId }),
      ...(r.field !== undefined && { field: r.field }),
      reason: r.reason,
    }));
    const redactor = this.redactors.for(tenantId);
    const redacted = validation.valid.map((v) => redactor.redactEvent(v.event));
    const written = await this.append(tenantId, redacted);
    let accepted = 0;
    const redactions: Record<string, number> = {};
    redacted.forEach((event, i) => {
      if (!written[i]) return;
      accepted++;
      addRedactions(redactions, event, validation.valid[i].event);
    });
    this.events?.inc({ result: 'accepted' }, accepted);
    this.events?.inc({ result: 'duplicate' }, redacted.length - accepted);
    this.events?.inc({ result: 'rejected' }, rejected.length);
    for (const r of rejected) this.rejections?.inc({ field: r.field?.split(/[.[]/)[0] ?? 'event' });
    return { accepted, duplicates: redacted.length - accepted, rejected, redactions };
  }

  /** Appends the events not recorded before; true for each one JetStream stored now (false: a duplicate). */
  private async append(tenantId: string, events: SessionEvent[]): Promise<boolean[]> {
    if (!events.length) return [];
    const known = await knownEventIds(this.ds, tenantId, events.map((e) => e.id)).catch((err: Error) => {
      // JetStream's dedup window still covers recent re-sends, and every read model is idempotent by event id.
      this.logger.warn({ err: err.message }, 'event-id lookup failed; relying on JetStream deduplication');
      return new Set<string>();
    });
    const fresh = known.size ? events.filter((e) => !known.has(e.id)) : events;
    let results;
    try {
      // Content is sealed under each session's data key before it reaches the log (crypto-shredding).
      const sealed = this.sealContent ? await this.cipher.seal(tenantId, fresh) : fresh;
      results = await this.store.appendMany('sessions', sealed, this.maxInFlight);
    } catch (err) {
      this.logger.error({ err, tenantId, events: fresh.length }, 'appending to SESSIONS failed');
      throw unavailable(`the event log did not acknowledge the batch (${(err as Error).message}); nothing is reported as accepted: retry the whole batch, re-sent events are deduplicated`);
    }
    const stored = new Set<SessionEvent>();
    fresh.forEach((e, i) => {
      if (!results[i].duplicate) stored.add(e);
    });
    return events.map((e) => stored.has(e));
  }
}

/** Adds what redaction removed from one event now (its counts minus those it arrived with). */
function addRedactions(into: Record<string, number>, redacted: SessionEvent, original: SessionEvent): void {
  if (!redacted.redactions || redacted.redactions === original.redactions) return;
  for (const [kind, n] of Object.entries(redacted.redactions)) {
    const added = n - (original.redactions?.[kind] ?? 0);
    if (added > 0) into[kind] = (into[kind] ?? 0) + added;
  }
}

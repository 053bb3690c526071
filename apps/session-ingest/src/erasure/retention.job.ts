import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { SessionCipher } from '@reverie/content-crypto';
import { DATA_SOURCE, forTenant, SESSION_CIPHER } from '@reverie/service-kit';
import { CLOCK, INGEST_CONFIG, LOGGER, type Clock } from '../app.tokens';
import type { IngestConfig } from '../config/ingest.config';
import { ErasureService, type ErasureResult } from './erasure.service';

/** The actor of retention's erasures. */
export const RETENTION_ACTOR = 'system:retention';

/**
 * Retention by expiring keys: every REVERIE_RETENTION_CHECK_SECONDS, the sessions of each tenant
 * whose content is older than its REVERIE_RETENTION_DAYS are erased exactly as an admin's erasure
 * would (keys shredded, derived data purged, lessons recounted, DataErased recorded).
 */
@Injectable()
export class RetentionJob implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;

  constructor(
    @Inject(ErasureService) private readonly erasures: ErasureService,
    @Inject(SESSION_CIPHER) private readonly cipher: SessionCipher,
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(INGEST_CONFIG) private readonly config: IngestConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    const seconds = this.config.REVERIE_RETENTION_CHECK_SECONDS;
    if (seconds <= 0 || !Object.keys(this.config.REVERIE_RETENTION_DAYS ?? {}).length) return;
    this.timer = setInterval(() => {
      this.ticking ??= this.tick().then(() => undefined).catch((err: Error) => this.logger.warn({ err: err.message }, 'retention: not done')).finally(() => (this.ticking = undefined));
    }, seconds * 1000);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.ticking;
  }

  /** One pass: the erasures it made, one per tenant with sessions past retention. */
  async tick(): Promise<ErasureResult[]> {
    const days = this.config.REVERIE_RETENTION_DAYS ?? {};
    const tenants = (await this.ds.query('SELECT DISTINCT tenant_id FROM content_data_keys') as { tenant_id: string }[]).map((r) => r.tenant_id);
    const done: ErasureResult[] = [];
    for (const tenantId of tenants) {
      const keep = forTenant(days, tenantId);
      if (!keep) continue;
      const before = new Date(this.clock().getTime() - keep * 24 * 3600 * 1000).toISOString();
      const sessions = await this.cipher.sessionsOlderThan(tenantId, before);
      if (!sessions.length) continue;
      const result = await this.erasures.eraseStored(tenantId, { userIds: [], sessionIds: sessions }, `retention: session content older than ${keep} days`, RETENTION_ACTOR);
      this.logger.info({ tenantId, erasureId: result.erasureId, sessions: sessions.length, artifacts: result.artifacts }, 'retention erased expired sessions');
      done.push(result);
    }
    return done;
  }
}

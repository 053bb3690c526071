import { Inject, Injectable } from '@nestjs/common';
import type { SessionEvent } from '@reverie/contracts';
import type { SessionCipher } from '@reverie/content-crypto';
import type { EventStore } from '@reverie/event-store';
import { EVENT_STORE, SESSION_CIPHER } from '@reverie/service-kit';
import { INGEST_CONFIG } from '../app.tokens';
import type { IngestConfig } from '../config/ingest.config';
import { pseudonymKeys } from '../config/pseudonym-keys';
import { TenantRedactors } from '../ingest/tenant-redactors';

export interface UserExport {
  /** The user as asked for, as ingest stored them (a pseudonym for an e-mail address), and the token derived data names them by. */
  user: { asked: string; stored: string; token?: string };
  sessions: { sessionId: string; events: SessionEvent[] }[];
}

/**
 * Data portability, the twin of erasure: every session of a user (found by the keys that cover
 * them), opened. Lessons citing them and servings to them come from lesson-governance and
 * agent-serving (`reverie export` asks all three).
 */
@Injectable()
export class ExportService {
  private readonly redactors: TenantRedactors;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SESSION_CIPHER) private readonly cipher: SessionCipher,
    @Inject(INGEST_CONFIG) config: IngestConfig,
  ) {
    this.redactors = new TenantRedactors(config.REVERIE_REDACTION_RULES, pseudonymKeys(config).keyFor);
  }

  async export(tenantId: string, user: string): Promise<UserExport> {
    const stored = this.redactors.for(tenantId).redactEvent({ data: { userId: user } }).data.userId as string;
    const { sessions: sessionIds } = await this.cipher.sessionsOf(tenantId, { userIds: [stored], sessionIds: [] });
    const token = (await this.cipher.userTokens(tenantId, [stored], { create: false })).get(stored);
    const sessions: UserExport['sessions'] = [];
    for (const sessionId of sessionIds) {
      const { events } = await this.store.readAggregate<SessionEvent>('sessions', tenantId, sessionId);
      sessions.push({ sessionId, events: await this.cipher.open(tenantId, events.map((e) => e.event)) });
    }
    return { user: { asked: user, stored, token }, sessions };
  }
}

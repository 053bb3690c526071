import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import type { DataSource } from 'typeorm';
import { dreamEventSchema, dreamingErasureRequestSchema, type DreamingErasureReply, type Topology } from '@reverie/contracts';
import { replay, type EventStore } from '@reverie/event-store';
import { DATA_SOURCE, EVENT_STORE, NATS_CONNECTION, respondToCommand, TOPOLOGY, type Logger } from '@reverie/service-kit';
import { fingerprintSet, packQuoteFingerprints, withoutSaidElsewhere, wordsIn, type QuoteFingerprints } from '@reverie/content-crypto';
import { LOGGER } from '../app.tokens';

const OTHERS_PAGE = 500;

/**
 * `reverie.cmd.dreaming.erase.<tenant>`: session-ingest erases sessions and asks dreaming, first, for
 * the fingerprints of what they said (`purge: false`), then to purge what it derived from them (the
 * per-session signals: excerpts, tasks, user ids); answered with how many rows there were and how
 * many of the sessions a dream ever sent to an LLM. Only session-ingest's NATS user may send it.
 */
@Injectable()
export class DreamingErasureListener implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private responder?: { close(): Promise<void> };

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(TOPOLOGY) private readonly topology: Topology,
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.responder = respondToCommand(this.nc, {
      prefix: this.topology.command('dreaming.erase'), queue: 'dreaming', schema: dreamingErasureRequestSchema, logger: this.logger,
      handle: async (tenantId, request): Promise<DreamingErasureReply> => {
        const args = [tenantId, request.sessions];
        const sentToLlm = await this.sentToLlm(tenantId, new Set(request.sessions));
        if (!request.purge) {
          const rows = await this.ds.query('SELECT signals FROM dreaming_session_signals WHERE tenant_id = $1 AND session_id = ANY($2::text[])', args) as { signals: unknown }[];
          const quotes = request.quoteSalt ? await this.quotesOf(tenantId, request.sessions, rows, request.quoteSalt) : undefined;
          return { ok: true, signalRows: rows.length, sessionsSentToLlm: sentToLlm, ...(quotes && { quotes }) };
        }
        // TypeORM answers a DELETE with [rows, affected count].
        const [, signalRows] = await this.ds.query('DELETE FROM dreaming_session_signals WHERE tenant_id = $1 AND session_id = ANY($2::text[])', args) as [unknown[], number];
        this.logger.info({ tenantId, erasureId: request.erasureId, signalRows, sentToLlm }, 'signals of erased sessions purged');
        return { ok: true, signalRows, sessionsSentToLlm: sentToLlm };
      },
    });
  }

  /**
   * What only the erased sessions say, as salted fingerprints: governance finds the lessons quoting
   * it before anything is purged. Words the tenant's other sessions say too (an error line every
   * session printed) are not the erased user's alone and are left out.
   */
  private async quotesOf(tenantId: string, sessions: string[], rows: { signals: unknown }[], salt: string): Promise<QuoteFingerprints> {
    const set = fingerprintSet(rows.flatMap((r) => wordsIn(r.signals)), salt);
    for (let after = ''; set?.size;) {
      const page = await this.ds.query(
        `SELECT session_id, signals FROM dreaming_session_signals WHERE tenant_id = $1 AND session_id > $2 AND NOT (session_id = ANY($3::text[])) ORDER BY session_id LIMIT ${OTHERS_PAGE}`,
        [tenantId, after, sessions],
      ) as { session_id: string; signals: unknown }[];
      if (!page.length) break;
      withoutSaidElsewhere(set, page.flatMap((r) => wordsIn(r.signals)), salt);
      after = page[page.length - 1].session_id;
    }
    return packQuoteFingerprints(set, salt);
  }

  /** How many of these sessions a dream ever sent to an LLM (the dream records say; DREAMS is read whole for the tenant). */
  private async sentToLlm(tenantId: string, sessions: ReadonlySet<string>): Promise<number> {
    const sent = new Set<string>();
    for await (const batch of replay(this.store, 'dreams', dreamEventSchema, { filterSubject: this.store.topology.tenantWildcard('dreams', tenantId) })) {
      for (const { event } of batch) {
        if (event.type !== 'DreamCompleted') continue;
        for (const s of event.data.sentToLlm?.sessions ?? []) if (sessions.has(s)) sent.add(s);
      }
    }
    return sent.size;
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.responder?.close();
  }
}

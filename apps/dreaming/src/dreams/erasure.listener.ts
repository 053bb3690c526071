import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { NatsConnection } from 'nats';
import type { DataSource } from 'typeorm';
import { dreamEventSchema, dreamingErasureRequestSchema, type DreamingErasureReply, type Topology } from '@reverie/contracts';
import { replay, type EventStore } from '@reverie/event-store';
import { DATA_SOURCE, EVENT_STORE, NATS_CONNECTION, respondToCommand, TOPOLOGY, type Logger } from '@reverie/service-kit';
import { LOGGER } from '../app.tokens';

/**
 * `reverie.cmd.dreaming.erase.<tenant>`: session-ingest erases sessions and asks dreaming to purge
 * what it derived from them (the per-session signals: excerpts, tasks, user ids); answered with how
 * many rows went and how many of the sessions a dream ever sent to an LLM. Only session-ingest's
 * NATS user may send it.
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
        // TypeORM answers a DELETE with [rows, affected count].
        const [, signalRows] = await this.ds.query('DELETE FROM dreaming_session_signals WHERE tenant_id = $1 AND session_id = ANY($2::text[])', [tenantId, request.sessions]) as [unknown[], number];
        const sentToLlm = await this.sentToLlm(tenantId, new Set(request.sessions));
        this.logger.info({ tenantId, erasureId: request.erasureId, signalRows, sentToLlm }, 'signals of erased sessions purged');
        return { ok: true, signalRows, sessionsSentToLlm: sentToLlm };
      },
    });
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

import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { NatsConnection } from 'nats';
import type { DataSource } from 'typeorm';
import { dreamingErasureRequestSchema, type DreamingErasureReply, type Topology } from '@reverie/contracts';
import { DATA_SOURCE, NATS_CONNECTION, respondToCommand, TOPOLOGY, type Logger } from '@reverie/service-kit';
import { LOGGER } from '../app.tokens';

/**
 * `reverie.cmd.dreaming.erase.<tenant>`: session-ingest erases sessions and asks dreaming to purge
 * what it derived from them (the per-session signals: excerpts, tasks, user ids); answered with how
 * many rows went. Only session-ingest's NATS user may send it.
 */
@Injectable()
export class DreamingErasureListener implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private responder?: { close(): Promise<void> };

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(TOPOLOGY) private readonly topology: Topology,
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.responder = respondToCommand(this.nc, {
      prefix: this.topology.command('dreaming.erase'), queue: 'dreaming', schema: dreamingErasureRequestSchema, logger: this.logger,
      handle: async (tenantId, request): Promise<DreamingErasureReply> => {
        // TypeORM answers a DELETE with [rows, affected count].
        const [, signalRows] = await this.ds.query('DELETE FROM dreaming_session_signals WHERE tenant_id = $1 AND session_id = ANY($2::text[])', [tenantId, request.sessions]) as [unknown[], number];
        this.logger.info({ tenantId, erasureId: request.erasureId, signalRows }, 'signals of erased sessions purged');
        return { ok: true, signalRows };
      },
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.responder?.close();
  }
}

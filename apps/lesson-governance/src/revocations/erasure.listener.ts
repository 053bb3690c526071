import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { lessonErasureRequestSchema, type Topology } from '@reverie/contracts';
import { NATS_CONNECTION, respondToCommand, TOPOLOGY, type Logger } from '@reverie/service-kit';
import { LOGGER } from '../app.tokens';
import { RevocationsService } from './revocations.service';

/**
 * `reverie.cmd.lessons.erase.<tenant>`: session-ingest, having shredded an erasure's data, asks
 * for the lessons to be recounted without it and the erasure recorded; answered once both are on
 * LESSONS. Only session-ingest's NATS user may send it (deploy/nats/nats-server.conf).
 */
@Injectable()
export class ErasureListener implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private responder?: { close(): Promise<void> };

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(TOPOLOGY) private readonly topology: Topology,
    @Inject(RevocationsService) private readonly revocations: RevocationsService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.responder = respondToCommand(this.nc, {
      prefix: this.topology.command('lessons.erase'), queue: 'lesson-governance', schema: lessonErasureRequestSchema, logger: this.logger,
      handle: (tenantId, request) => this.revocations.erase(tenantId, request),
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.responder?.close();
  }
}

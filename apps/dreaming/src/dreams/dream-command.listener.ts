import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { z } from 'zod';
import { DreamTrigger, type Topology } from '@reverie/contracts';
import { NATS_CONNECTION, TOPOLOGY, type Logger } from '@reverie/service-kit';
import { LOGGER } from '../app.tokens';
import { DreamRunner } from './dream-runner.service';

/** Payload of `reverie.cmd.dream.request.<tenant>` (may be empty). */
export const dreamCommandSchema = z.object({
  trigger: DreamTrigger.optional(),
  requestedBy: z.string().min(1).max(256).optional(),
});

const decoder = new TextDecoder();

/**
 * Request/reply command to start a dream over NATS, for callers without HTTP access to the
 * service. A queue group makes one replica answer each request.
 */
@Injectable()
export class DreamCommandListener implements OnApplicationBootstrap, OnModuleDestroy {
  private sub?: Subscription;
  private loop?: Promise<void>;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(TOPOLOGY) private readonly topology: Topology,
    @Inject(DreamRunner) private readonly runner: DreamRunner,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    const prefix = this.topology.command('dream.request');
    this.sub = this.nc.subscribe(`${prefix}.*`, { queue: 'dreaming' });
    const sub = this.sub;
    this.loop = (async () => {
      for await (const m of sub) {
        const tenantId = m.subject.slice(prefix.length + 1);
        const reply = await this.handle(tenantId, m.data);
        // Reply: `{ ok: true, accepted, dream: DreamView }` or `{ ok: false, error }`, as JSON.
        if (m.reply) m.respond(JSON.stringify(reply));
      }
    })();
  }

  async onModuleDestroy(): Promise<void> {
    this.sub?.unsubscribe();
    await this.loop;
  }

  private async handle(tenantId: string, data: Uint8Array): Promise<unknown> {
    let payload: unknown = {};
    if (data.length) {
      try {
        payload = JSON.parse(decoder.decode(data));
      } catch {
        return { ok: false, error: 'the command payload must be JSON: {"trigger"?: "manual", "requestedBy"?: "..."}' };
      }
    }
    const parsed = dreamCommandSchema.safeParse(payload);
    if (!parsed.success) return { ok: false, error: parsed.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; ') };
    try {
      const { view, accepted } = await this.runner.request(tenantId, parsed.data.trigger ?? 'manual', parsed.data.requestedBy ?? 'nats');
      return { ok: true, accepted, dream: view };
    } catch (err) {
      this.logger.warn({ tenantId, err: (err as Error).message }, 'dream command failed');
      return { ok: false, error: (err as Error).message };
    }
  }
}

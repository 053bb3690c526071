import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Topology } from '@reverie/contracts';
import type { EventStore } from '@reverie/event-store';
import { EVENT_STORE, TOPOLOGY, type Logger } from '@reverie/service-kit';
import { LOGGER } from '../app.tokens';
import { DREAMING_CONFIG, type DreamingConfig } from '../config/dreaming.config';
import { DreamRunner, type DreamTriggerName } from './dream-runner.service';
import { TenantStateRepository } from './tenant-state.repository';

/**
 * The automatic triggers: every N new sessions of a tenant (REVERIE_DREAM_EVERY_SESSIONS, counted
 * by the session-starts projection) and a schedule (REVERIE_DREAM_INTERVAL_SECONDS) that dreams
 * each tenant with SESSIONS events after its last dream's window. Both are off at 0.
 */
@Injectable()
export class DreamTriggers implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;

  constructor(
    @Inject(DreamRunner) private readonly runner: DreamRunner,
    @Inject(TenantStateRepository) private readonly tenants: TenantStateRepository,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(TOPOLOGY) private readonly topology: Topology,
    @Inject(DREAMING_CONFIG) private readonly config: DreamingConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    // Sessions that arrived while this tenant's dream ran are counted again when it ends.
    this.runner.onDreamEnded = (tenantId) => void this.checkSessionCount([tenantId]);
    const seconds = this.config.REVERIE_DREAM_INTERVAL_SECONDS;
    if (seconds > 0) {
      this.timer = setInterval(() => {
        // A tick that fails (NATS or Postgres away) is logged and tried again next time, never left unhandled.
        this.ticking ??= this.tick().catch((err: Error) => this.logger.warn({ err: err.message }, 'dream schedule: tick not done')).finally(() => (this.ticking = undefined));
      }, seconds * 1000);
      this.timer.unref();
    }
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.runner.onDreamEnded = undefined;
    await this.ticking;
  }

  /** After a session-starts batch committed: dream the tenants that reached N new sessions. */
  async checkSessionCount(tenantIds: string[]): Promise<void> {
    const every = this.config.REVERIE_DREAM_EVERY_SESSIONS;
    if (every <= 0) return;
    for (const tenantId of tenantIds) {
      const state = await this.tenants.get(tenantId).catch(() => undefined);
      if (state && !state.runningDreamId && state.sessionsSinceDream >= every) {
        await this.trigger(tenantId, 'session-count', `every ${every} sessions (${state.sessionsSinceDream} new)`);
      }
    }
  }

  /** One schedule tick: every tenant with session events after its last window. */
  async tick(): Promise<void> {
    for (const state of await this.tenants.all().catch(() => [])) {
      if (state.runningDreamId) continue;
      if (await this.hasEventsAfter(state.tenantId, state.lastDreamToSeq)) {
        await this.trigger(state.tenantId, 'schedule', `schedule every ${this.config.REVERIE_DREAM_INTERVAL_SECONDS} s`);
      }
    }
  }

  private async trigger(tenantId: string, trigger: DreamTriggerName, why: string): Promise<void> {
    try {
      const { view, accepted } = await this.runner.request(tenantId, trigger, 'dreaming');
      if (accepted) this.logger.info({ tenantId, dreamId: view.id, trigger }, `dream triggered: ${why}`);
    } catch (err) {
      this.logger.warn({ tenantId, trigger, err: (err as Error).message }, 'automatic dream not started');
    }
  }

  private async hasEventsAfter(tenantId: string, seq: number): Promise<boolean> {
    // JetStreamManagerImpl has `direct` (streams allow direct gets); the interface does not declare it.
    const jsm = (await this.store.jsm()) as unknown as { direct: { getMessage(stream: string, query: { seq: number; next_by_subj: string }): Promise<unknown> } };
    try {
      await jsm.direct.getMessage(this.topology.streamName('sessions'), { seq: seq + 1, next_by_subj: this.topology.tenantWildcard('sessions', tenantId) });
      return true;
    } catch {
      return false; // no message at or after seq + 1 on the tenant's subjects
    }
  }
}

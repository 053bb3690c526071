import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { newId, type LessonEfficacyRecord } from '@reverie/contracts';
import type { LessonCommand } from '@reverie/lesson-domain';
import { DATA_SOURCE, type Logger } from '@reverie/service-kit';
import { CLOCK, GOVERNANCE_CONFIG, LOGGER, type Clock } from '../app.tokens';
import type { GovernanceConfig } from '../config/governance.config';
import { GOVERNANCE_CLOCK_ACTOR } from './lesson-actor';
import { LessonDecisionsService } from './lesson-decisions.service';
import { TenantPolicyStore } from '../policy/tenant-policy.store';

/** What is due now: canaries whose period is over, served lessons past their review-by date, harmful ones where the policy withdraws them. */
export interface DueLesson { tenantId: string; lessonId: string; command: 'PromoteLesson' | 'ExpireLesson' | 'RollBackLesson'; reason?: string }

/**
 * Governance's clock: every GOVERNANCE_CLOCK_SECONDS it promotes the canaries whose period is over
 * and expires the lessons past their review-by date, each through the decider (which checks the
 * date again, so a replica that loses the race is refused and nothing happens twice). Serving does
 * not wait for it: it stops serving an expired lesson at its review-by date by itself. Where a
 * tenant's policy says so (`efficacy.autoRollback: harmful`), it also withdraws to review the
 * served lessons a dream measured harmful beyond doubt.
 */
@Injectable()
export class LessonClock implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;

  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(LessonDecisionsService) private readonly decisions: LessonDecisionsService,
    @Inject(GOVERNANCE_CONFIG) private readonly config: GovernanceConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(TenantPolicyStore) private readonly policies: TenantPolicyStore,
  ) {}

  onApplicationBootstrap(): void {
    const seconds = this.config.GOVERNANCE_CLOCK_SECONDS;
    if (seconds <= 0) return;
    this.timer = setInterval(() => {
      // A tick that fails (Postgres away) is logged and tried again next time: never an unhandled rejection that ends the process.
      this.ticking ??= this.tick().then(() => undefined).catch((err: Error) => this.logger.warn({ err: err.message }, 'lesson clock: tick not done')).finally(() => (this.ticking = undefined));
    }, seconds * 1000);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.ticking;
  }

  /** One pass over what is due; returns what it did. */
  async tick(): Promise<DueLesson[]> {
    const now = this.clock().toISOString();
    const done: DueLesson[] = [];
    for (const due of await this.due(now)) {
      const metadata = { now, actor: GOVERNANCE_CLOCK_ACTOR, correlationId: newId() };
      const command: LessonCommand = due.command === 'PromoteLesson'
        ? { type: 'PromoteLesson', data: { reason: 'the canary period is over' }, metadata }
        : due.command === 'RollBackLesson'
          ? { type: 'RollBackLesson', data: { reason: due.reason ?? 'measured harmful', withdraw: 'to-review' }, metadata }
          : { type: 'ExpireLesson', data: {}, metadata };
      try {
        await this.decisions.execute(due.tenantId, due.lessonId, command);
        done.push(due);
        this.logger.info({ tenantId: due.tenantId, lessonId: due.lessonId, command: due.command }, 'lesson clock');
      } catch (err) {
        this.logger.warn({ tenantId: due.tenantId, lessonId: due.lessonId, command: due.command, err: (err as Error).message }, 'lesson clock: not applied');
      }
    }
    return done;
  }

  private async due(now: string): Promise<DueLesson[]> {
    const rows: { tenant_id: string; lesson_id: string; expire: boolean }[] = await this.ds.query(
      `SELECT tenant_id, lesson_id, (view->'live'->>'reviewBy')::timestamptz <= $1::timestamptz AS expire FROM governance_lessons
       WHERE view->'live' IS NOT NULL
         AND ((view->'live'->>'reviewBy')::timestamptz <= $1::timestamptz
           OR (view->'live'->>'stage' = 'canary' AND (view->'live'->>'promoteAt')::timestamptz <= $1::timestamptz))
       ORDER BY tenant_id, lesson_id LIMIT 500`,
      [now],
    );
    const timed: DueLesson[] = rows.map((r) => ({ tenantId: r.tenant_id, lessonId: r.lesson_id, command: r.expire ? 'ExpireLesson' : 'PromoteLesson' }));
    return [...timed, ...await this.harmful()];
  }

  /** Served lessons whose live version a dream measured harmful beyond doubt, in tenants whose policy withdraws them. */
  private async harmful(): Promise<DueLesson[]> {
    const rows: { tenant_id: string; lesson_id: string; efficacy: LessonEfficacyRecord }[] = await this.ds.query(
      `SELECT g.tenant_id, g.lesson_id, e.efficacy FROM governance_lessons g
       JOIN governance_lesson_efficacy e ON e.tenant_id = g.tenant_id AND e.lesson_id = g.lesson_id AND e.version = (g.view->'live'->>'version')::int
       WHERE g.status IN ('canary', 'active') AND (e.efficacy->>'rollBack')::boolean
       ORDER BY g.tenant_id, g.lesson_id LIMIT 500`,
    );
    const due: DueLesson[] = [];
    for (const r of rows) {
      if ((await this.policies.get(r.tenant_id)).efficacy.autoRollback !== 'harmful') continue;
      const e = r.efficacy;
      const rate = (a: { sessions: number; failed: number }) => `${a.failed}/${a.sessions}`;
      due.push({
        tenantId: r.tenant_id, lessonId: r.lesson_id, command: 'RollBackLesson',
        reason: `efficacy: sessions served version ${e.version} failed more (${rate(e.served)} against ${rate(e.control)} not served, p=${e.pHarms}); withdrawn to review by the tenant's policy`,
      });
    }
    return due;
  }
}

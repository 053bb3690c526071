import { Inject, Injectable, NotFoundException, Optional, ServiceUnavailableException } from '@nestjs/common';
import type { Counter } from 'prom-client';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { Actor, LessonView } from '@reverie/contracts';
import type { SessionCipher } from '@reverie/content-crypto';
import type { EventStore } from '@reverie/event-store';
import type { LessonExplanation, OutcomeReport } from '@reverie/lessons-mcp';
import { DATA_SOURCE, EVENT_STORE, forTenant, METRICS, SESSION_CIPHER, type ServiceMetrics } from '@reverie/service-kit';
import { CLOCK, LOGGER, SERVING_CONFIG, type Clock } from '../app.tokens';
import { DEFAULT_TOKEN_BUDGET, type ServingConfig } from '../config/serving.config';
import { ActiveLessonsCache } from './active-lessons.cache';
import type { RankedLesson, Ranking } from './lesson-ranking';
import { explanationOf } from './lesson-explanation';
import { lessonsServedEvent, outcomeReportedEvent } from './served-lessons';

export interface ServeRequest {
  tenantId: string;
  agentId: string;
  sessionId?: string;
  /** The work at hand, for ranking: the session's task and the agent's tools. */
  task?: string;
  tools?: string[];
  /** Tokens of lesson text the answer may hold (else the tenant's default). */
  budgetTokens?: number;
  /** Who asked, as its credential says: recorded as the actor of LessonsServed. */
  actor: Actor;
  correlationId?: string;
}

export interface AgentLessons {
  agentId: string;
  lessons: RankedLesson[];
  budget: Pick<Ranking, 'budgetTokens' | 'usedTokens' | 'omitted' | 'nextBest'>;
  /** Id of the LessonsServed event that recorded this answer. */
  servedEventId: string;
}

/** Serves an agent its approved lessons, ranked for the work at hand within a budget, and records, durably, what it was served. */
@Injectable()
export class AgentLessonsService {
  constructor(
    @Inject(ActiveLessonsCache) private readonly cache: ActiveLessonsCache,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SERVING_CONFIG) private readonly config: ServingConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(SESSION_CIPHER) private readonly cipher: SessionCipher,
    @Optional() @Inject(METRICS) metrics?: ServiceMetrics,
  ) {
    this.served = metrics?.counter('reverie_lessons_served_total', 'Lessons handed to agents, and lessons withheld from them (canary control, holdout)', ['arm']);
  }

  private readonly served?: Counter<'arm'>;

  /**
   * One JetStream append, awaited: an answer whose serving was not recorded would make efficacy
   * measurement wrong, so a failed append fails the request (503) instead of being dropped. Only
   * what is handed over is recorded as served; lessons left out by the budget are not. Lessons
   * scoped to this agent and tenant-wide ones, drawn for this session (or the agent, when no
   * session is named: canaries by their share), ranked for the task and tools.
   */
  async serve({ tenantId, agentId, sessionId, task, tools, budgetTokens, actor, correlationId }: ServeRequest): Promise<AgentLessons> {
    const index = (await this.cache.lessons(tenantId)).indexFor(agentId);
    const budget = budgetTokens ?? forTenant(this.config.REVERIE_SERVING_BUDGET_TOKENS, tenantId, DEFAULT_TOKEN_BUDGET) as number;
    const now = this.clock();
    // The holdout draws sessions: without one, an agent would be held out of a lesson for good.
    const holdout = sessionId ? forTenant(this.config.REVERIE_HOLDOUT_SHARE, tenantId, 0) : 0;
    const { lessons, withheld, ...spent } = index.serve({ task, tools, budgetTokens: budget, subject: sessionId ?? `agent:${agentId}`, nowMs: now.getTime(), holdout });
    const event = lessonsServedEvent({ tenantId, agentId, sessionId, lessons, withheld, actor, now, correlationId });
    try {
      await this.store.append('serving', event);
    } catch (err) {
      this.logger.error({ err, tenantId, agentId }, 'recording LessonsServed failed');
      throw new ServiceUnavailableException('could not record what was served (SERVING stream unavailable); retry');
    }
    this.served?.inc({ arm: 'served' }, lessons.length);
    this.served?.inc({ arm: 'withheld' }, withheld.length);
    return { agentId, lessons, budget: spent, servedEventId: event.id };
  }

  /** An agent's report on a session (outcome, or a rating of a lesson), recorded on SERVING under the agent. */
  async reportOutcome(request: { tenantId: string; agentId: string; actor: Actor; report: OutcomeReport; correlationId?: string }): Promise<{ recordedEventId: string }> {
    const event = outcomeReportedEvent({ ...request, now: this.clock() });
    try {
      await this.store.append('serving', event);
    } catch (err) {
      this.logger.error({ err, tenantId: request.tenantId, agentId: request.agentId }, 'recording OutcomeReported failed');
      throw new ServiceUnavailableException('could not record the report (SERVING stream unavailable); retry');
    }
    return { recordedEventId: event.id };
  }

  /** What a lesson this agent is served rests on (404 for a lesson it is not served). */
  async explain(tenantId: string, agentId: string, lessonId: string): Promise<LessonExplanation> {
    const rows: { view: LessonView }[] = await this.ds.query('SELECT view FROM serving_lesson_views WHERE tenant_id = $1 AND lesson_id = $2', [tenantId, lessonId]);
    const explanation = rows.length ? explanationOf(await this.cipher.openDeep(tenantId, rows[0].view), agentId) : undefined;
    if (!explanation) throw new NotFoundException(`agent ${agentId} is not served a lesson ${lessonId}`);
    return explanation;
  }
}


import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { Actor, ServedLesson } from '@reverie/contracts';
import type { EventStore } from '@reverie/event-store';
import { DATA_SOURCE, EVENT_STORE } from '@reverie/service-kit';
import { CLOCK, LOGGER, type Clock } from '../app.tokens';
import { lessonsServedEvent, toServedLesson, type ActiveLessonRecord } from './served-lessons';

export interface ServeRequest {
  tenantId: string;
  agentId: string;
  sessionId?: string;
  /** Who asked, as its credential says: recorded as the actor of LessonsServed. */
  actor: Actor;
  correlationId?: string;
}

export interface AgentLessons {
  agentId: string;
  lessons: ServedLesson[];
  /** Id of the LessonsServed event that recorded this answer. */
  servedEventId: string;
}

/** Serves an agent its approved lessons and records, durably, what it was served. */
@Injectable()
export class AgentLessonsService {
  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Lessons scoped to this agent and tenant-wide ones (no agent in scope), stable order. */
  async active(tenantId: string, agentId: string): Promise<ServedLesson[]> {
    const rows: ActiveLessonRecord[] = await this.ds.query(
      `SELECT lesson_id, kind, text, version, scope FROM serving_active_lessons
       WHERE tenant_id = $1 AND (agent_id = $2 OR agent_id IS NULL)
       ORDER BY approved_at, lesson_id`,
      [tenantId, agentId],
    );
    return rows.map(toServedLesson);
  }

  /**
   * One JetStream publish, awaited: an answer whose serving was not recorded would make efficacy
   * measurement wrong, so a failed append fails the request (503) instead of being dropped.
   */
  async serve({ tenantId, agentId, sessionId, actor, correlationId }: ServeRequest): Promise<AgentLessons> {
    const lessons = await this.active(tenantId, agentId);
    const event = lessonsServedEvent({ tenantId, agentId, sessionId, lessons, actor, now: this.clock(), correlationId });
    try {
      await this.store.append('serving', event);
    } catch (err) {
      this.logger.error({ err, tenantId, agentId }, 'recording LessonsServed failed');
      throw new ServiceUnavailableException('could not record what was served (SERVING stream unavailable); retry');
    }
    return { agentId, lessons, servedEventId: event.id };
  }
}

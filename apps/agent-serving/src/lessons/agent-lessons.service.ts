import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { Actor, ServedLesson } from '@reverie/contracts';
import type { EventStore } from '@reverie/event-store';
import type { SessionCipher } from '@reverie/content-crypto';
import { DATA_SOURCE, EVENT_STORE, SESSION_CIPHER } from '@reverie/service-kit';
import { CLOCK, LOGGER, type Clock } from '../app.tokens';
import { drawServedLessons, lessonsServedEvent, type ActiveLessonRecord, type ServingDraw } from './served-lessons';

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
    @Inject(SESSION_CIPHER) private readonly cipher: SessionCipher,
  ) {}

  /**
   * Lessons scoped to this agent and tenant-wide ones (no agent in scope), stable order, as drawn
   * for this session (or the agent, when no session is named): canaries by their share.
   */
  async active(tenantId: string, agentId: string, sessionId?: string): Promise<ServingDraw> {
    const rows: ActiveLessonRecord[] = await this.ds.query(
      `SELECT lesson_id, kind, scope, live FROM serving_active_lessons
       WHERE tenant_id = $1 AND (agent_id = $2 OR agent_id IS NULL) AND live IS NOT NULL
       ORDER BY approved_at, lesson_id`,
      [tenantId, agentId],
    );
    // The served rows keep lessons' words sealed as the log does: opened for the agent's answer only.
    const opened = await this.cipher.openDeep(tenantId, rows);
    return drawServedLessons(opened, { subject: sessionId ?? `agent:${agentId}`, now: this.clock().toISOString() });
  }

  /**
   * One JetStream publish, awaited: an answer whose serving was not recorded would make efficacy
   * measurement wrong, so a failed append fails the request (503) instead of being dropped.
   */
  async serve({ tenantId, agentId, sessionId, actor, correlationId }: ServeRequest): Promise<AgentLessons> {
    const { lessons, withheld } = await this.active(tenantId, agentId, sessionId);
    const event = lessonsServedEvent({ tenantId, agentId, sessionId, lessons, withheld, actor, now: this.clock(), correlationId });
    try {
      await this.store.append('serving', event);
    } catch (err) {
      this.logger.error({ err, tenantId, agentId }, 'recording LessonsServed failed');
      throw new ServiceUnavailableException('could not record what was served (SERVING stream unavailable); retry');
    }
    return { agentId, lessons, servedEventId: event.id };
  }
}

import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { lessonEventSchema, newId, type LessonEvent, type LessonView } from '@reverie/contracts';
import { ConcurrencyError, type EventStore } from '@reverie/event-store';
import { decide, evolve, evolveLessonView, initialLessonState, LessonDomainError, toEnvelopes, type LessonCommand, type ProjectedLessonView } from '@reverie/lesson-domain';
import { EVENT_STORE } from '@reverie/service-kit';
import { GOVERNANCE_CONFIG, LOGGER } from '../app.tokens';
import type { GovernanceConfig } from '../config/governance.config';
import { publicLessonView } from './governance-lessons.plan';
import { concurrencyProblem, lessonProblem } from './lesson-problem';

export interface DecisionResult {
  /** The lesson as the log now says, including the new events (the projection may lag behind). */
  view: LessonView;
  events: LessonEvent[];
}

/**
 * Runs lesson commands: reads the lesson's events from LESSONS, folds them, lets the decider
 * decide, and appends the result expecting the subject's last sequence it read. Losing a race
 * means re-reading and deciding again (the decider then sees the winner's event).
 */
@Injectable()
export class LessonDecisionsService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(GOVERNANCE_CONFIG) private readonly config: GovernanceConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async execute(tenantId: string, lessonId: string, command: LessonCommand): Promise<DecisionResult> {
    const attempts = this.config.GOVERNANCE_DECISION_RETRIES + 1;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const { events, lastSeq } = await this.load(tenantId, lessonId);
      let records;
      try {
        records = decide(command, events.reduce(evolve, initialLessonState()));
      } catch (err) {
        if (err instanceof LessonDomainError) throw lessonProblem(err);
        throw err;
      }
      const fresh = toEnvelopes(tenantId, lessonId, records, command.metadata, () => newId());
      try {
        if (fresh.length) await this.store.appendToAggregate('lessons', fresh, lastSeq);
      } catch (err) {
        if (!(err instanceof ConcurrencyError)) throw err;
        this.logger.info({ tenantId, lessonId, attempt, command: command.type }, 'lost a concurrent append; deciding again');
        continue;
      }
      return { view: foldView([...events, ...fresh]), events: fresh };
    }
    throw concurrencyProblem(lessonId, attempts);
  }

  /** The lesson's valid events and the subject's last sequence; an invalid stored event is skipped, as projections dead-letter it. */
  private async load(tenantId: string, lessonId: string): Promise<{ events: LessonEvent[]; lastSeq: number }> {
    const { events, lastSeq } = await this.store.readAggregate('lessons', tenantId, lessonId);
    const valid: LessonEvent[] = [];
    for (const stored of events) {
      const parsed = lessonEventSchema.safeParse(stored.event);
      if (parsed.success) valid.push(parsed.data);
      else this.logger.warn({ tenantId, lessonId, seq: stored.seq, error: parsed.error.message.slice(0, 300) }, 'skipping an invalid event in LESSONS');
    }
    return { events: valid, lastSeq };
  }
}

function foldView(events: LessonEvent[]): LessonView {
  let view: ProjectedLessonView | undefined;
  for (const e of events) view = evolveLessonView(view, e);
  if (!view) throw lessonProblem(new LessonDomainError('not-found', 'lesson has no events'));
  return publicLessonView(view);
}

import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { lessonEventSchema, newId, type LessonEvent, type LessonView } from '@reverie/contracts';
import { ConcurrencyError, type EventStore } from '@reverie/event-store';
import {
  decide, evolveAll, evolveLessonView, initialLessonState, LessonDomainError, toEnvelopes, type EventIdFactory, type LessonCommand, type LessonCommandMetadata,
  type LessonEventRecord, type LessonState, type ProjectedLessonView,
} from '@reverie/lesson-domain';
import type { SessionCipher } from '@reverie/content-crypto';
import { EVENT_STORE, SESSION_CIPHER } from '@reverie/service-kit';
import { GOVERNANCE_CONFIG, LOGGER } from '../app.tokens';
import type { GovernanceConfig } from '../config/governance.config';
import { publicLessonView } from './governance-lessons.plan';
import { concurrencyProblem, lessonProblem } from './lesson-problem';

export interface DecisionResult {
  /** The lesson as the log now says, including the new events (the projection may lag behind). */
  view: LessonView;
  events: LessonEvent[];
}

/** One decision on a lesson: what to append given its history, and how the events are stamped. */
export interface LessonDecision<D extends { records: LessonEventRecord[] }> {
  /** Names the decision in the logs. */
  name: string;
  /** Decides on the lesson's valid events as LESSONS holds them now; may throw a LessonDomainError. */
  decide(history: LessonEvent[]): D;
  metadata: LessonCommandMetadata;
  eventId: EventIdFactory;
}

export interface Decided<D> {
  decision: D;
  /** The lesson's events before this decision. */
  history: LessonEvent[];
  /** The events appended (none when the decision was a no-op). */
  events: LessonEvent[];
}

/** Another writer won every attempt: the decision was not taken. */
export class LessonContendedError extends Error {
  constructor(readonly lessonId: string, readonly attempts: number) {
    super(`lesson ${lessonId} was changed concurrently ${attempts} times in a row`);
  }
}

/**
 * The one read-decide-append loop on LESSONS, for reviewers' commands (HTTP) and dreams' proposals
 * (NATS) alike: reads the lesson's events (opened: deciders read the words), lets the decision
 * decide on them, and appends the result (sealed under the lesson's key) expecting the subject's
 * last sequence it read. Losing a race means re-reading and
 * deciding again (the decision then sees the winner's event).
 */
@Injectable()
export class LessonDecisionsService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(GOVERNANCE_CONFIG) private readonly config: GovernanceConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(SESSION_CIPHER) private readonly cipher: SessionCipher,
  ) {}

  /**
   * A reviewer's command, with its refusals as problem+json HTTP exceptions. A command whose data
   * depends on the lesson as it is (the guardrails' verdict on its current text) is given as a
   * function of the lesson's state, built again on each attempt.
   */
  async execute(tenantId: string, lessonId: string, command: LessonCommand | ((state: LessonState) => LessonCommand)): Promise<DecisionResult> {
    const build = typeof command === 'function' ? command : () => command;
    const probe = build(initialLessonState());
    try {
      const { history, events } = await this.decide(tenantId, lessonId, {
        name: probe.type,
        decide: (history) => {
          const state = evolveAll(history);
          return { records: decide(build(state), state) };
        },
        metadata: probe.metadata,
        eventId: () => newId(),
      });
      return { view: foldView([...history, ...events]), events };
    } catch (err) {
      if (err instanceof LessonDomainError) throw lessonProblem(err);
      if (err instanceof LessonContendedError) throw concurrencyProblem(lessonId, err.attempts);
      throw err;
    }
  }

  /** Throws the decision's LessonDomainError, or LessonContendedError once the retries are spent. */
  async decide<D extends { records: LessonEventRecord[] }>(tenantId: string, lessonId: string, decision: LessonDecision<D>): Promise<Decided<D>> {
    const attempts = this.config.GOVERNANCE_DECISION_RETRIES + 1;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const { events: history, lastSeq } = await this.load(tenantId, lessonId);
      const decided = decision.decide(history);
      const events = toEnvelopes(tenantId, lessonId, decided.records, decision.metadata, decision.eventId);
      try {
        // The log holds what may quote people's words sealed under the lesson's own key.
        if (events.length) await this.store.appendToAggregate('lessons', await this.cipher.sealLesson(tenantId, lessonId, events), lastSeq);
      } catch (err) {
        if (!(err instanceof ConcurrencyError)) throw err;
        this.logger.info({ tenantId, lessonId, attempt, command: decision.name }, 'lost a concurrent append; deciding again');
        continue;
      }
      return { decision: decided, history, events };
    }
    throw new LessonContendedError(lessonId, attempts);
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
    return { events: await this.cipher.openLessons(tenantId, valid), lastSeq };
  }
}

function foldView(events: LessonEvent[]): LessonView {
  let view: ProjectedLessonView | undefined;
  for (const e of events) view = evolveLessonView(view, e);
  if (!view) throw lessonProblem(new LessonDomainError('not-found', 'lesson has no events'));
  return publicLessonView(view);
}

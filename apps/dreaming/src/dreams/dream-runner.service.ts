import { Inject, Injectable, Optional, type OnModuleDestroy } from '@nestjs/common';
import type { Counter, Histogram } from 'prom-client';
import type { DataSource } from 'typeorm';
import {
  newId, SUBJECT_TOKEN, dreamEventSchema, type DreamEvent, type DreamView, type LessonCandidate, type LessonProposalRequest, type LessonProposalResult, type LessonWriter,
  type LessonWriterResult,
} from '@reverie/contracts';
import { ANALYZER_VERSION, measureEfficacy, planDream, withoutQuarantined } from '@reverie/dreaming-domain';
import type { EventStore } from '@reverie/event-store';
import { DreamDomainError, dreamViewOf, evolveDream, evolveDreamAll, initialDreamState, lessonIdOf, type DreamState } from '@reverie/lesson-domain';
import { estimateNaiveTokens } from '@reverie/synthesis';
import type { SessionCipher } from '@reverie/content-crypto';
import { DATA_SOURCE, EVENT_STORE, METRICS, SESSION_CIPHER, type Logger, type ServiceMetrics } from '@reverie/service-kit';
import { CLOCK, LESSON_WRITER, LOGGER, type Clock } from '../app.tokens';
import { DREAMING_CONFIG, type DreamingConfig } from '../config/dreaming.config';
import { existingLessons, LESSON_INDEX_PROJECTION, quarantinedSources } from '../lesson-index/lesson-index.projection';
import { allSessionSignals, PhaseTimer, refreshSessionSignals } from './dream-input.reader';
import { decideDreamEvents, dreamCommandMetadata } from './dream-events';
import { LessonProposalsClient } from './lesson-proposals.client';
import { TenantStateRepository } from './tenant-state.repository';
import { liveLessons, servingArms } from '../efficacy/serving-arms.reader';

export type DreamTriggerName = 'manual' | 'schedule' | 'session-count';

export interface DreamRequestResult {
  view: DreamView;
  /** false: a dream of this tenant was already running; `view` is that dream. */
  accepted: boolean;
}

export class InvalidTenantError extends Error {}

const INDEX_WAIT_MS = 5000;

/**
 * Runs dreams, one at a time per tenant. A request while one runs returns the running dream
 * (nothing is queued: the running dream, or the next trigger, covers the new sessions). The run is
 * event-sourced on DREAMS: DreamRequested → DreamStarted (window, analyzer, thresholds, writer) →
 * DreamCompleted (counts, tokens, duration, lesson ids) or DreamFailed, each step decided by the
 * dream slice (lesson-domain `decideDream`) against the dream's state. The 'dream completed' log
 * line carries the wall time of each phase (`phasesMs`, see PhaseTimer and bench/dream/service.ts).
 */
@Injectable()
export class DreamRunner implements OnModuleDestroy {
  private readonly running = new Map<string, Promise<void>>();
  private stopping = false;
  /** Called after each dream ends (the triggers use it to chain an every-N-sessions dream). */
  onDreamEnded?: (tenantId: string) => void;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(DREAMING_CONFIG) private readonly config: DreamingConfig,
    @Inject(LESSON_WRITER) private readonly writer: LessonWriter,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(TenantStateRepository) private readonly tenants: TenantStateRepository,
    @Inject(LessonProposalsClient) private readonly proposals: LessonProposalsClient,
    @Inject(SESSION_CIPHER) private readonly cipher: SessionCipher,
    @Optional() @Inject(METRICS) metrics?: ServiceMetrics,
  ) {
    this.metrics = metrics && {
      dreams: metrics.counter('reverie_dreams_total', 'Dreams that ended, by outcome', ['outcome']),
      duration: metrics.histogram('reverie_dream_duration_seconds', 'How long a completed dream took', [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600]),
      candidates: metrics.counter('reverie_dream_candidates_total', 'Lesson candidates mined by dreams'),
      proposed: metrics.counter('reverie_dream_proposals_total', 'Lessons proposed or reopened by dreams'),
      tokens: metrics.counter('reverie_dream_tokens_total', 'LLM tokens spent by dreams, by direction', ['direction']),
    };
  }

  private readonly metrics?: {
    dreams: Counter<'outcome'>; duration: Histogram<string>; candidates: Counter<string>; proposed: Counter<string>; tokens: Counter<'direction'>;
  };

  async request(tenantId: string, trigger: DreamTriggerName, requestedBy: string): Promise<DreamRequestResult> {
    if (!SUBJECT_TOKEN.test(tenantId)) throw new InvalidTenantError(`tenant "${tenantId}" must be 1-128 characters of A-Z a-z 0-9 _ -`);
    if (this.stopping) throw new Error('the dreaming service is shutting down');
    const dreamId = newId();
    const claim = await this.tenants.claim(tenantId, dreamId, this.config.REVERIE_DREAM_STALE_SECONDS);
    if (!claim.claimed) {
      const view = await this.view(tenantId, claim.running);
      if (view) return { view, accepted: false };
      // Claimed but its DreamRequested is not visible (yet): report what we know.
      return { view: { id: claim.running, tenantId, status: 'requested', trigger: 'manual', requestedAt: this.now(), proposedLessonIds: [], reinforcedLessonIds: [] }, accepted: false };
    }
    if (claim.abandoned) await this.failAbandoned(tenantId, claim.abandoned);
    const [requested] = decideDreamEvents(tenantId, dreamId, initialDreamState(), {
      type: 'RequestDream', data: { trigger, requestedBy }, metadata: dreamCommandMetadata(dreamId, this.now()),
    });
    let seq: number;
    try {
      [{ seq }] = await this.store.appendToAggregate('dreams', [requested], 0);
    } catch (err) {
      await this.tenants.release(tenantId, dreamId);
      throw err;
    }
    this.logger.info({ tenantId, dreamId, trigger, requestedBy }, 'dream requested');
    const run = this.run(tenantId, dreamId, { seq, event: requested }).finally(() => {
      this.running.delete(dreamId);
      this.onDreamEnded?.(tenantId);
    });
    this.running.set(dreamId, run);
    return { view: dreamViewOf([requested]) as DreamView, accepted: true };
  }

  async view(tenantId: string, dreamId: string): Promise<DreamView | undefined> {
    if (!SUBJECT_TOKEN.test(tenantId)) throw new InvalidTenantError(`tenant "${tenantId}" must be 1-128 characters of A-Z a-z 0-9 _ -`);
    if (!SUBJECT_TOKEN.test(dreamId)) return undefined;
    const { events } = await this.store.readAggregate('dreams', tenantId, dreamId);
    return dreamViewOf(events.map((e) => dreamEventSchema.parse(e.event)));
  }

  /** Resolves when every dream this process started has ended. */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running.values()]);
  }

  async onModuleDestroy(): Promise<void> {
    // Runs before the consumers stop and NATS drains: running dreams notice and end as failed.
    this.stopping = true;
    await this.idle();
  }

  private async run(tenantId: string, dreamId: string, requested: { seq: number; event: DreamEvent }): Promise<void> {
    const t0 = performance.now();
    const timer = new PhaseTimer();
    let lastSeq = requested.seq;
    let dream: DreamState = evolveDreamAll([requested.event]);
    const append = async (event: DreamEvent) => {
      [{ seq: lastSeq }] = await this.store.appendToAggregate('dreams', [event], lastSeq);
      dream = evolveDream(dream, event);
    };
    try {
      let mark = performance.now();
      const state = await this.tenants.get(tenantId);
      const fromSeq = (state?.lastDreamToSeq ?? 0) + 1;
      const toSeq = Math.max(fromSeq - 1, await this.lastSeqOf('sessions'));
      const thresholds = this.config.thresholds;
      const [started] = decideDreamEvents(tenantId, dreamId, dream, {
        type: 'StartDream',
        data: { window: { fromSeq, toSeq }, analyzerVersion: ANALYZER_VERSION, thresholds: { ...thresholds }, synthesizer: this.writer.name },
        metadata: dreamCommandMetadata(dreamId, this.now(), requested.event.id),
      });
      await append(started);
      this.checkStop();
      mark = timer.add('start', mark);

      await this.waitForLessonIndex();
      mark = timer.add('lessonIndexWait', mark);
      const input = await refreshSessionSignals({
        store: this.store, ds: this.ds, cipher: this.cipher, tenantId, fromSeq, toSeq, checkStop: () => this.checkStop(), timer,
        onSessionError: (sessionId, err) => this.logger.warn({ tenantId, dreamId, sessionId, err: err.message }, 'session signals not extracted'),
      });
      mark = performance.now();
      // Quarantined sources (a revocation) never count again.
      const signals = withoutQuarantined(await allSessionSignals(this.ds, tenantId), await quarantinedSources(this.ds.manager, tenantId));
      mark = timer.add('signalsLoad', mark);
      const existing = await existingLessons(this.ds.manager, tenantId);
      mark = timer.add('existingLessons', mark);
      const plan = planDream({ signals, existing, thresholds });
      this.checkStop();
      mark = timer.add('mining', mark);

      const toPropose = plan.decisions.flatMap((d) => (d.action === 'propose' ? [d.candidate] : []));
      const written = await this.write(toPropose);
      this.checkStop();
      mark = timer.add('writer', mark);
      // lesson-governance writes LESSONS: each candidate is a proposal it applies, one at a time.
      const now = this.now();
      const propose = (action: LessonProposalRequest['action'], lessonId: string, candidate: LessonCandidate) => this.proposals.propose(tenantId, {
        dreamId, causationId: started.id, now, action, lessonId, candidate, rejectedRegrowthFactor: thresholds.rejectedRegrowthFactor,
      });
      const applied: LessonProposalResult[] = [];
      const generations = new Map(plan.decisions.flatMap((d) => (d.action === 'propose' && d.generation ? [[d.candidate.fingerprint, d.generation] as const] : [])));
      for (const c of written.candidates) applied.push(await propose('propose', lessonIdOf(tenantId, c.fingerprint, generations.get(c.fingerprint)), c));
      for (const d of plan.decisions) {
        if (d.action === 'reinforce' || d.action === 'reopen') applied.push(await propose(d.action, d.lessonId, d.candidate));
      }
      for (const a of applied.filter((x) => x.outcome === 'refused')) this.logger.warn({ tenantId, dreamId, lessonId: a.lessonId, note: a.note }, 'lesson decision refused');

      mark = timer.add('proposals', mark);
      // Does each live lesson change what agents do? Its pattern in the sessions served it against those withheld from it.
      const live = await liveLessons(this.ds, tenantId);
      const efficacy = measureEfficacy(live, await servingArms(this.store, tenantId, live), signals, plan.candidates);
      mark = timer.add('efficacy', mark);

      const outcome = (o: LessonProposalResult['outcome']) => applied.filter((a) => a.outcome === o);
      const counts: Record<string, number> = {
        windowSessions: input.windowSessions, windowEvents: input.windowEvents, sessionsReadWhole: input.sessionsReadWhole,
        sessionsFailed: input.sessionsFailed, sessions: plan.counts.sessions, events: plan.counts.events, candidates: plan.counts.candidates,
        proposed: outcome('proposed').length, reopened: outcome('reopened').length, reinforced: outcome('reinforced').length,
        unchanged: outcome('unchanged').length + plan.counts.skip, refused: outcome('refused').length, deferred: plan.counts.defer,
        // What sending every failed transcript of the window to an LLM would cost: the baseline the writer's tokens beat.
        naiveTokens: estimateNaiveTokens(input.failedTranscriptChars),
      };
      const [completed] = decideDreamEvents(tenantId, dreamId, dream, {
        type: 'CompleteDream',
        data: {
          counts, tokens: written.tokens, durationMs: Math.round(performance.now() - t0),
          proposedLessonIds: [...outcome('proposed'), ...outcome('reopened')].map((a) => a.lessonId),
          reinforcedLessonIds: outcome('reinforced').map((a) => a.lessonId),
          ...(written.sentSessions?.length && { sentToLlm: { writer: written.writer, sessions: written.sentSessions.slice(0, 20_000) } }),
          ...(efficacy.length && { efficacy: efficacy.slice(0, 10_000) }),
        },
        metadata: dreamCommandMetadata(dreamId, this.now(), started.id),
      });
      // The claim is released first, so a client that saw DreamCompleted can request the next dream at once.
      await this.tenants.complete(tenantId, dreamId, toSeq);
      await append(completed);
      timer.add('appends', mark);
      timer.ms.total = performance.now() - t0;
      this.logger.info({ tenantId, dreamId, counts, tokens: written.tokens, writer: written.writer, notes: written.notes, phasesMs: timer.rounded() }, 'dream completed');
      this.metrics?.dreams.inc({ outcome: 'completed' });
      this.metrics?.duration.observe((performance.now() - t0) / 1000);
      this.metrics?.candidates.inc(counts.candidates);
      this.metrics?.proposed.inc(counts.proposed + counts.reopened);
      this.metrics?.tokens.inc({ direction: 'input' }, written.tokens.input);
      this.metrics?.tokens.inc({ direction: 'output' }, written.tokens.output);
    } catch (err) {
      const message = (err as Error).message ?? String(err);
      this.logger.error({ tenantId, dreamId, err }, `dream failed: ${message}`);
      this.metrics?.dreams.inc({ outcome: 'failed' });
      // Refused (DreamDomainError) when the dream had already ended: its ending stands.
      await Promise.resolve()
        .then(() => decideDreamEvents(tenantId, dreamId, dream, {
          type: 'FailDream', data: { error: message.slice(0, 10_000) }, metadata: dreamCommandMetadata(dreamId, this.now(), requested.event.id),
        }))
        .then(([failed]) => append(failed))
        .catch((e: Error) => this.logger.error({ tenantId, dreamId, err: e }, 'could not record DreamFailed'));
      await this.tenants.release(tenantId, dreamId).catch(() => undefined);
    }
  }

  private async write(candidates: LessonCandidate[]): Promise<LessonWriterResult> {
    if (!candidates.length) return { candidates: [], tokens: { input: 0, output: 0 }, writer: this.writer.name, notes: [] };
    return this.writer.write(candidates, {});
  }

  /** Dedup is only as good as the lesson index: give its consumer a moment to catch up with LESSONS. */
  private async waitForLessonIndex(): Promise<void> {
    const target = await this.lastSeqOf('lessons');
    const deadline = Date.now() + INDEX_WAIT_MS;
    for (;;) {
      const rows: { last_seq: string }[] = await this.ds.query(`SELECT last_seq FROM projection_checkpoints WHERE projection = $1`, [LESSON_INDEX_PROJECTION]);
      if (Number(rows[0]?.last_seq ?? 0) >= target) return;
      if (Date.now() > deadline) {
        this.logger.warn({ target, at: Number(rows[0]?.last_seq ?? 0) }, 'lesson index behind LESSONS; dreaming anyway (decisions are checked against each lesson)');
        return;
      }
      this.checkStop();
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  private async lastSeqOf(key: 'sessions' | 'lessons'): Promise<number> {
    const jsm = await this.store.jsm();
    return (await jsm.streams.info(this.store.topology.streamName(key))).state.last_seq;
  }

  private async failAbandoned(tenantId: string, dreamId: string): Promise<void> {
    const { events, lastSeq } = await this.store.readAggregate('dreams', tenantId, dreamId);
    const state = evolveDreamAll(events.map((e) => dreamEventSchema.parse(e.event)));
    let failed: DreamEvent;
    try {
      [failed] = decideDreamEvents(tenantId, dreamId, state, {
        type: 'FailDream',
        data: { error: `abandoned: no progress for ${this.config.REVERIE_DREAM_STALE_SECONDS} s (the process running it stopped)` },
        metadata: dreamCommandMetadata(dreamId, this.now()),
      });
    } catch (err) {
      if (err instanceof DreamDomainError) return; // never requested, or it ended after all: nothing to fail
      throw err;
    }
    await this.store.appendToAggregate('dreams', [failed], lastSeq).catch(() => undefined);
  }

  private checkStop(): void {
    if (this.stopping) throw new Error('interrupted: the dreaming service is shutting down');
  }

  private now(): string {
    return this.clock().toISOString();
  }
}

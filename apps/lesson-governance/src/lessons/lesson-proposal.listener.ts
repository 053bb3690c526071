import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { lessonProposalRequestSchema, type LessonProposalReply, type Topology } from '@reverie/contracts';
import { extractTraceContext } from '@reverie/event-store';
import { NATS_CONNECTION, TOPOLOGY, type Logger } from '@reverie/service-kit';
import { LOGGER } from '../app.tokens';
import { LessonProposalsService } from './lesson-proposals.service';

const QUEUE_GROUP = 'lesson-governance';
const decoder = new TextDecoder();
const tracer = trace.getTracer('lesson-governance');

/**
 * `reverie.cmd.lessons.propose.<tenant>`, request/reply: a dream's candidate for one lesson
 * (LessonProposalRequest), answered with a LessonProposalReply once its events are stored on
 * LESSONS. The tenant is the subject's last token; the queue group makes one replica answer each
 * request. The dream's trace continues into the events appended here.
 */
@Injectable()
export class LessonProposalListener implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private sub?: Subscription;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(TOPOLOGY) private readonly topology: Topology,
    @Inject(LessonProposalsService) private readonly proposals: LessonProposalsService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    const prefix = this.topology.command('lessons.propose');
    this.sub = this.nc.subscribe(`${prefix}.*`, {
      queue: QUEUE_GROUP,
      callback: (err, msg) => {
        if (err) {
          this.logger.warn({ err: err.message }, 'lesson proposal subscription error');
          return;
        }
        const work = this.handle(msg, msg.subject.slice(prefix.length + 1));
        this.inFlight.add(work);
        void work.finally(() => this.inFlight.delete(work));
      },
    });
  }

  /** Stop taking requests, and answer the ones already taken before NATS drains. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.sub?.drain().catch(() => undefined);
    await Promise.allSettled([...this.inFlight]);
  }

  private async handle(msg: Msg, tenantId: string): Promise<void> {
    const span = tracer.startSpan(`${msg.subject} process`, { kind: SpanKind.SERVER, attributes: { 'messaging.system': 'nats', 'messaging.destination.name': msg.subject } }, extractTraceContext(msg.headers));
    try {
      const reply = await context.with(trace.setSpan(context.active(), span), () => this.answer(tenantId, msg.data));
      if (!reply.ok) span.setStatus({ code: SpanStatusCode.ERROR, message: reply.error });
      if (msg.reply) msg.respond(JSON.stringify(reply));
    } finally {
      span.end();
    }
  }

  private async answer(tenantId: string, data: Uint8Array): Promise<LessonProposalReply> {
    let payload: unknown;
    try {
      payload = JSON.parse(decoder.decode(data));
    } catch {
      return { ok: false, error: 'the lesson proposal must be JSON (LessonProposalRequest of @reverie/contracts)' };
    }
    const parsed = lessonProposalRequestSchema.safeParse(payload);
    if (!parsed.success) return { ok: false, error: parsed.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; ') };
    try {
      const reply = await this.proposals.apply(tenantId, parsed.data);
      if (reply.ok && reply.outcome === 'refused') this.logger.warn({ tenantId, dreamId: parsed.data.dreamId, lessonId: reply.lessonId, note: reply.note }, 'lesson proposal refused');
      return reply;
    } catch (err) {
      this.logger.error({ tenantId, dreamId: parsed.data.dreamId, lessonId: parsed.data.lessonId, err }, 'lesson proposal failed');
      return { ok: false, error: (err as Error).message };
    }
  }
}

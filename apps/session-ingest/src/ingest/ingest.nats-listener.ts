import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { headers as natsHeaders, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { Topology } from '@reverie/contracts';
import { extractTraceContext } from '@reverie/event-store';
import { NATS_API_KEY_HEADER, NATS_STATUS_HEADER, type IngestReply } from '@reverie/ingest-client';
import { decodeUtf8Strict, problemJson, type ProblemDetails } from '@reverie/ingest-validation';
import { AUTHENTICATOR, AuthError, NATS_CONNECTION, requireRole, TOPOLOGY, type Authenticator, type Principal } from '@reverie/service-kit';
import { INGEST_CONFIG, LOGGER } from '../app.tokens';
import { NATS_QUEUE_GROUP, type IngestConfig } from '../config/ingest.config';
import { IngestRefusedError } from './ingest.errors';
import { IngestService } from './ingest.service';

const tracer = trace.getTracer('session-ingest');
const encoder = new TextEncoder();

/**
 * The NATS ingest subject, request/reply: `reverie.cmd.ingest` (tenant from the key) and
 * `reverie.cmd.ingest.<tenant>` (which must be the key's tenant). The request carries the API
 * key in the `Reverie-Api-Key` header, verified by the same Authenticator as HTTP and needing the
 * `ingest` role, and `{ "events": [...] }` as body; the reply is the
 * IngestResponse or `{ error: problem }`, with the HTTP-equivalent status in `Reverie-Status`.
 * The queue group lets replicas share the requests.
 */
@Injectable()
export class IngestNatsListener implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly subscriptions: Subscription[] = [];
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(TOPOLOGY) private readonly topology: Topology,
    @Inject(INGEST_CONFIG) private readonly config: IngestConfig,
    @Inject(IngestService) private readonly ingest: IngestService,
    @Inject(AUTHENTICATOR) private readonly authenticator: Authenticator,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    const base = this.topology.command('ingest');
    for (const subject of [base, `${base}.*`]) {
      this.subscriptions.push(this.nc.subscribe(subject, {
        queue: NATS_QUEUE_GROUP,
        callback: (err, msg) => {
          if (err) {
            this.logger.warn({ err: err.message, subject }, 'ingest subscription error');
            return;
          }
          const work = this.handle(msg, base).catch((e: Error) => this.logger.error({ err: e }, 'ingest request failed'));
          this.inFlight.add(work);
          void work.finally(() => this.inFlight.delete(work));
        },
      }));
    }
  }

  /** Stop taking requests, and answer the ones already taken before NATS drains. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.subscriptions.splice(0).map((s) => s.drain().catch(() => undefined)));
    await Promise.allSettled([...this.inFlight]);
  }

  private async handle(msg: Msg, base: string): Promise<void> {
    const span = tracer.startSpan(`${base} process`, { kind: SpanKind.SERVER, attributes: { 'messaging.system': 'nats', 'messaging.destination.name': msg.subject } }, extractTraceContext(msg.headers));
    try {
      const [status, body] = await context.with(trace.setSpan(context.active(), span), () => this.answer(msg, base));
      span.setAttribute('reverie.ingest.status', status);
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      this.reply(msg, status, body);
    } finally {
      span.end();
    }
  }

  private async answer(msg: Msg, base: string): Promise<[number, IngestReply]> {
    const problem = (p: ProblemDetails): [number, IngestReply] => [p.status, { error: p }];
    const key = msg.headers?.get(NATS_API_KEY_HEADER) || undefined;
    if (!key) return problem(problemJson(401, 'Unauthorized', `an API key is required in the ${NATS_API_KEY_HEADER} header`));
    let principal: Principal;
    try {
      principal = await this.authenticator.verifyToken(key);
      requireRole(principal, ['ingest']);
    } catch (err) {
      if (err instanceof AuthError) return problem(problemJson(err.getStatus(), err.getStatus() === 401 ? 'Unauthorized' : 'Forbidden', err.message));
      this.logger.error({ err }, 'credentials could not be checked');
      return problem(problemJson(503, 'Service Unavailable', 'the credential could not be checked now; retry later'));
    }
    const tenant = principal.tenantId;
    const subjectTenant = msg.subject.length > base.length ? msg.subject.slice(base.length + 1) : undefined;
    if (subjectTenant !== undefined && subjectTenant !== tenant) {
      return problem(problemJson(403, 'Forbidden', `the subject names tenant '${subjectTenant}' but the API key belongs to another tenant`));
    }
    if (msg.data.length > this.config.INGEST_MAX_BODY_BYTES) {
      return problem(problemJson(413, 'Request body too large', `the body is ${msg.data.length} bytes; the limit is ${this.config.INGEST_MAX_BODY_BYTES} bytes (INGEST_MAX_BODY_BYTES)`, { limit: 'maxBodyBytes', max: this.config.INGEST_MAX_BODY_BYTES }));
    }
    const utf8 = decodeUtf8Strict(msg.data);
    if (!utf8.ok) return problem(problemJson(400, 'Invalid UTF-8', `the body is not valid UTF-8: bad byte sequence at byte offset ${utf8.offset}`));
    let body: unknown;
    try {
      // A leading byte order mark is tolerated on this subject (as the default TextDecoder does).
      body = JSON.parse(utf8.text.charCodeAt(0) === 0xfeff ? utf8.text.slice(1) : utf8.text);
    } catch (err) {
      return problem(problemJson(400, 'Invalid JSON', `the body is not valid JSON: ${(err as Error).message}`));
    }
    try {
      const result = await this.ingest.ingest(principal, body);
      return [result.rejected.length ? 207 : 202, result];
    } catch (err) {
      if (err instanceof IngestRefusedError) return problem(err.problem);
      this.logger.error({ err }, 'ingest over NATS failed');
      return problem(problemJson(500, 'Internal Server Error', 'An unexpected error occurred.'));
    }
  }

  private reply(msg: Msg, status: number, body: IngestReply): void {
    if (!msg.reply) return;
    const h = natsHeaders();
    h.set(NATS_STATUS_HEADER, String(status));
    msg.respond(encoder.encode(JSON.stringify(body)), { headers: h });
  }
}

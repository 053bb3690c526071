import { Body, Controller, HttpException, Inject, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ROUTES } from '@reverie/contracts';
import type { IngestResponse } from '@reverie/ingest-client';
import { Allow, ApiOperation, CurrentPrincipal, type Principal } from '@reverie/service-kit';
import { IngestRefusedError } from './ingest.errors';
import { IngestService } from './ingest.service';
import { OtlpIngestService, type OtlpIngestResponse } from './otlp-ingest.service';

/** Rethrows a refusal as an HttpException, which the problem+json filter renders with its members. */
async function orProblem<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof IngestRefusedError) throw new HttpException(err.problem, err.status);
    throw err;
  }
}

@Controller()
export class IngestController {
  constructor(
    @Inject(IngestService) private readonly ingest: IngestService,
    @Inject(OtlpIngestService) private readonly otlp: OtlpIngestService,
  ) {}

  /** 202 when every event was accepted (or already known), 207 with `rejected` when some were invalid. */
  @Post(ROUTES.ingestEvents)
  @Allow('ingest')
  @ApiOperation({
    summary: 'Ingest a batch of session events',
    description: 'Each event is validated on its own (an invalid one is rejected alone), redacted, deduplicated by id and appended to SESSIONS; the answer comes once JetStream acknowledged every accepted event.',
    body: { description: '`{ "events": [ … ] }`: session events (`SessionStarted`, `UserMessageRecorded`, `ToolCallRecorded`, …, as in libs/contracts), validated per event by libs/ingest-validation' },
    response: { status: 202, description: 'Every event accepted, or already known (`duplicates`)' },
    responses: { 207: { description: 'Some events rejected: `rejected` names each by index, with the field and why' } },
    errors: { 400: 'Not valid UTF-8 or JSON, or not a batch', 413: 'The body or the batch is over a limit (INGEST_MAX_*): nothing is ingested', 415: 'Not `application/json`', 503: 'JetStream did not acknowledge the events; retry (ids make it safe)' },
  })
  async events(@CurrentPrincipal() principal: Principal, @Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply): Promise<IngestResponse> {
    const result = await orProblem(this.ingest.ingest(principal, body));
    void reply.status(result.rejected.length ? 207 : 202);
    return result;
  }

  /** OTLP/JSON trace export → GenAI spans → session events; answers 200 as OTLP exporters expect. */
  @Post(ROUTES.ingestOtlpTraces)
  @Allow('ingest')
  @ApiOperation({
    summary: 'Ingest an OTLP/JSON trace export',
    description: 'GenAI spans (OpenTelemetry semantic conventions) become session events, ingested as a batch is.',
    body: { description: 'An OTLP/JSON `ExportTraceServiceRequest` (`{ "resourceSpans": [ … ] }`; the JSON encoding, not protobuf)' },
    response: { status: 200, description: 'What was imported and ingested, as OTLP exporters expect a 200' },
    errors: { 400: 'Not valid UTF-8 or JSON, or not an OTLP trace export', 413: 'The body is over INGEST_MAX_BODY_BYTES', 415: 'Not `application/json`', 503: 'JetStream did not acknowledge the events; retry' },
  })
  async otlpTraces(@CurrentPrincipal() principal: Principal, @Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply): Promise<OtlpIngestResponse> {
    const result = await orProblem(this.otlp.ingest(principal, body));
    void reply.status(200);
    return result;
  }
}

import { Body, Controller, HttpException, Inject, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ROUTES } from '@reverie/contracts';
import type { IngestResponse } from '@reverie/ingest-client';
import { Allow, CurrentPrincipal, type Principal } from '@reverie/service-kit';
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
  async events(@CurrentPrincipal() principal: Principal, @Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply): Promise<IngestResponse> {
    const result = await orProblem(this.ingest.ingest(principal, body));
    void reply.status(result.rejected.length ? 207 : 202);
    return result;
  }

  /** OTLP/JSON trace export → GenAI spans → session events; answers 200 as OTLP exporters expect. */
  @Post(ROUTES.ingestOtlpTraces)
  @Allow('ingest')
  async otlpTraces(@CurrentPrincipal() principal: Principal, @Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply): Promise<OtlpIngestResponse> {
    const result = await orProblem(this.otlp.ingest(principal, body));
    void reply.status(200);
    return result;
  }
}

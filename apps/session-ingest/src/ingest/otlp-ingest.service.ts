import { Inject, Injectable } from '@nestjs/common';
import type { IngestResponse } from '@reverie/ingest-client';
import { ImportError, parseOtlpTraces } from '@reverie/importers';
import { problemJson } from '@reverie/ingest-validation';
import type { Principal } from '@reverie/service-kit';
import { CLOCK, type Clock } from '../app.tokens';
import { IngestRefusedError } from './ingest.errors';
import { IngestService } from './ingest.service';

/** IngestResponse plus OTLP's own partial-success member, which OTel exporters read. */
export interface OtlpIngestResponse extends IngestResponse {
  /** Spans the importer could not use, with why (`file` is always "otlp"). */
  spansRejected: { reason: string }[];
  partialSuccess?: { rejectedSpans: number; errorMessage: string };
}

@Injectable()
export class OtlpIngestService {
  constructor(
    @Inject(IngestService) private readonly pipeline: IngestService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async ingest(caller: Principal, body: unknown): Promise<OtlpIngestResponse> {
    const { tenantId } = caller;
    let imported;
    try {
      imported = parseOtlpTraces(body, { tenantId, now: this.clock().toISOString() });
    } catch (err) {
      if (err instanceof ImportError) throw new IngestRefusedError(problemJson(400, 'Invalid OTLP export', err.message));
      throw err;
    }
    const events = imported.sessions.flatMap((s) => s.events);
    const result = await this.pipeline.ingest(caller, { events });
    const spansRejected = imported.rejected.map((r) => ({ reason: r.line !== undefined ? `item ${r.line}: ${r.reason}` : r.reason }));
    const problems = [...spansRejected.map((r) => r.reason), ...result.rejected.map((r) => `event ${r.index}: ${r.reason}`)];
    return {
      ...result,
      spansRejected,
      ...(problems.length && { partialSuccess: { rejectedSpans: problems.length, errorMessage: problems.slice(0, 5).join('; ') } }),
    };
  }
}

import { BatchError, problemJson, type ProblemDetails } from '@reverie/ingest-validation';

/** A request refused as a whole: nothing of it was written (or reported as accepted). */
export class IngestRefusedError extends Error {
  override readonly name = 'IngestRefusedError';
  constructor(readonly problem: ProblemDetails) {
    super(`${problem.status} ${problem.title}: ${problem.detail}`);
  }
  get status(): number {
    return this.problem.status;
  }
}

export const unauthorized = (detail: string) => new IngestRefusedError(problemJson(401, 'Unauthorized', detail));

export const unavailable = (detail: string) => new IngestRefusedError(problemJson(503, 'Service Unavailable', detail));

export function fromBatchError(err: BatchError): IngestRefusedError {
  return new IngestRefusedError(err.toProblem());
}

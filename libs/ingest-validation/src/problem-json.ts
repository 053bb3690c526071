import type { IngestLimits } from './limits';
import { DEFAULT_INGEST_LIMITS } from './limits';

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  [k: string]: unknown;
}

/** An RFC 9457 problem body (`application/problem+json`). `extra` may set `type` and add members; it cannot change title, status or detail. */
export function problemJson(status: number, title: string, detail: string, extra: Record<string, unknown> = {}): ProblemDetails {
  return { type: 'about:blank', ...extra, title, status, detail };
}

/** The batch as a whole cannot be accepted: 400 (malformed) or 413 (too large). */
export class BatchError extends Error {
  override readonly name = 'BatchError';
  constructor(
    readonly status: 400 | 413,
    readonly title: string,
    readonly detail: string,
  ) {
    super(`${title}: ${detail}`);
  }

  toProblem(extra?: Record<string, unknown>): ProblemDetails {
    return problemJson(this.status, this.title, this.detail, extra);
  }
}

/** For the HTTP layer, before parsing: throws a 413 BatchError when the body is over the limit. */
export function assertBodySize(byteLength: number, limits: IngestLimits = DEFAULT_INGEST_LIMITS): void {
  if (byteLength > limits.maxBodyBytes) {
    throw new BatchError(413, 'Request body too large', `the body is ${byteLength} bytes; the limit is ${limits.maxBodyBytes} bytes`);
  }
}

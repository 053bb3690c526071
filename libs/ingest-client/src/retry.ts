/** Why a send failed, and whether trying again can help. */
export class IngestSendError extends Error {
  override readonly name = 'IngestSendError';
  constructor(
    message: string,
    /** HTTP status (or its NATS equivalent); undefined for network errors and timeouts. */
    readonly status: number | undefined,
    readonly retryable: boolean,
    readonly options: { problem?: unknown; retryAfterMs?: number; attempts?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
  }
  get problem(): unknown {
    return this.options.problem;
  }
}

/** 429 and 5xx are worth retrying; other 4xx answers will not change. */
export const isRetryableStatus = (status: number): boolean => status === 429 || status >= 500;

export interface BackoffOptions {
  /** First delay before jitter; default 100 ms. */
  baseMs?: number;
  /** Upper bound of any delay; default 5000 ms. */
  maxMs?: number;
}
export type Backoff = BackoffOptions | ((attempt: number) => number);

/**
 * Exponential backoff with full jitter: a random delay in [0, min(max, base·2^attempt)], so that
 * many clients retrying after one outage do not arrive together. A server's Retry-After wins
 * when it is longer.
 */
export function backoffDelay(attempt: number, backoff: Backoff = {}, random: () => number = Math.random): number {
  if (typeof backoff === 'function') return Math.max(0, backoff(attempt));
  const base = backoff.baseMs ?? 100;
  const max = backoff.maxMs ?? 5000;
  return Math.round(random() * Math.min(max, base * 2 ** attempt));
}

export interface RetryOptions {
  maxRetries: number;
  backoff?: Backoff;
  sleep?: (ms: number) => Promise<void>;
  onRetry?: (err: IngestSendError, attempt: number, delayMs: number) => void;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs `send`, retrying retryable IngestSendErrors up to `maxRetries` times. */
export async function withRetry<T>(send: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const sleep = options.sleep ?? defaultSleep;
  for (let attempt = 0; ; attempt++) {
    try {
      return await send(attempt);
    } catch (err) {
      const e = err instanceof IngestSendError ? err : new IngestSendError((err as Error).message, undefined, false, { cause: err });
      if (!e.retryable || attempt >= options.maxRetries) {
        e.options.attempts = attempt + 1;
        throw e;
      }
      const delay = Math.max(backoffDelay(attempt, options.backoff), e.options.retryAfterMs ?? 0);
      options.onRetry?.(e, attempt + 1, delay);
      await sleep(delay);
    }
  }
}

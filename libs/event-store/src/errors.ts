import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';

/** Another writer appended to the aggregate first: reload and decide again, or report. */
export class ConcurrencyError extends Error {
  constructor(readonly subject: string, readonly expectedSeq: number, cause?: unknown) {
    super(`concurrent append to ${subject}: expected last subject sequence ${expectedSeq} is stale`, { cause });
    this.name = 'ConcurrencyError';
  }
}

/** The message can never be processed (unparseable, invalid, violates an invariant): dead-letter it. */
export class PoisonMessageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PoisonMessageError';
  }
}

/** JetStream answers 10071 when `expect.lastSubjectSequence` does not hold (AckPublisher's PublishError, or js.publish's JetStreamApiError). */
export function isWrongLastSequence(err: unknown): boolean {
  if (err instanceof JetStreamApiError) return err.code === JetStreamApiCodes.StreamWrongLastSequence;
  const e = err as { api_error?: { err_code?: number }; message?: string } | undefined;
  return e?.api_error?.err_code === JetStreamApiCodes.StreamWrongLastSequence || /wrong last sequence/i.test(e?.message ?? '');
}

/** The stream or consumer does not exist (JetStream answers 404: StreamNotFoundError, ConsumerNotFoundError). */
export function isJetStreamNotFound(err: unknown): boolean {
  return err instanceof JetStreamApiError && (err.status === 404 || err.code === JetStreamApiCodes.StreamNotFound || err.code === JetStreamApiCodes.ConsumerNotFound);
}

export interface IngestLimits {
  /** Events in one batch (HTTP body or NATS message). */
  maxBatchEvents: number;
  /** UTF-8 bytes of one event as JSON. */
  maxEventBytes: number;
  /** Nesting depth of one event (`{}` is 1). */
  maxDepth: number;
  /** UTF-8 bytes of a whole request body. */
  maxBodyBytes: number;
}

export const DEFAULT_INGEST_LIMITS: IngestLimits = Object.freeze({
  maxBatchEvents: 1000,
  maxEventBytes: 256 * 1024,
  maxDepth: 32,
  maxBodyBytes: 8 * 1024 * 1024,
});

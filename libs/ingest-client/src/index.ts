export * from './protocol';
export { IngestSendError, backoffDelay, isRetryableStatus, withRetry, type Backoff, type BackoffOptions, type RetryOptions } from './retry';
export { createIngestClient, encodeBatches, mergeResponse, emptyResponse, type IngestClient, type IngestClientOptions, type IngestEvent, type IngestTransportOptions } from './ingest-client';
export type { HttpTransportOptions } from './http.transport';
export type { NatsTransportOptions } from './nats.transport';

import type { IngestResponse } from './protocol';

/** Sends one encoded batch (`{"events":[...]}`) and returns the service's answer. */
export interface IngestTransport {
  readonly name: 'http' | 'nats';
  send(body: string, eventCount: number): Promise<IngestResponse>;
  /** Largest body this transport should carry in one request, in bytes. */
  maxBodyBytes(): Promise<number>;
  close(): Promise<void>;
}

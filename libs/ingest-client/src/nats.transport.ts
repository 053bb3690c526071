import { connect, headers as natsHeaders, RequestError, TimeoutError, type NatsConnection } from '@nats-io/transport-node';
import { topology } from '@reverie/contracts';
import { NATS_API_KEY_HEADER, NATS_STATUS_HEADER, type IngestReply, type IngestResponse } from './protocol';
import { IngestSendError, isRetryableStatus } from './retry';
import type { IngestTransport } from './transport';

export interface NatsTransportOptions {
  transport: 'nats';
  /** An open connection (not closed by the client), or `servers` to let the client connect. */
  nc?: NatsConnection;
  servers?: string | string[];
  apiKey: string;
  /** REVERIE_NAMESPACE of the deployment; default ''. */
  namespace?: string;
  /** Per request; default 30000 ms. A timeout is retried. */
  timeoutMs?: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function natsTransport(options: NatsTransportOptions): IngestTransport {
  if (!options.apiKey) throw new Error('ingest client: apiKey is required');
  if (!options.nc && !options.servers) throw new Error('ingest client: the nats transport needs nc or servers');
  const subject = topology(options.namespace ?? '').command('ingest');
  const timeoutMs = options.timeoutMs ?? 30_000;
  let owned: Promise<NatsConnection> | undefined;
  const connection = (): Promise<NatsConnection> =>
    options.nc ? Promise.resolve(options.nc) : (owned ??= connect({ servers: options.servers, name: 'reverie-ingest-client' }));

  return {
    name: 'nats',
    async maxBodyBytes() {
      const nc = await connection();
      // Leave room for headers and the protocol line.
      return Math.max(64 * 1024, (nc.info?.max_payload ?? 1024 * 1024) - 4096);
    },
    async send(body) {
      const nc = await connection();
      const h = natsHeaders();
      h.set(NATS_API_KEY_HEADER, options.apiKey);
      let text: string;
      let status: number;
      try {
        const reply = await nc.request(subject, encoder.encode(body), { timeout: timeoutMs, headers: h });
        text = decoder.decode(reply.data);
        status = Number(reply.headers?.get(NATS_STATUS_HEADER) || 0);
      } catch (err) {
        const noResponders = err instanceof RequestError && err.isNoResponders();
        const what = noResponders ? 'no session-ingest instance is listening' : err instanceof TimeoutError ? `timed out after ${timeoutMs} ms` : (err as Error).message;
        throw new IngestSendError(`NATS ${subject}: ${what}`, noResponders ? 503 : undefined, true, { cause: err });
      }
      let parsed: IngestReply;
      try {
        parsed = JSON.parse(text) as IngestReply;
      } catch {
        throw new IngestSendError(`NATS ${subject}: the reply is not JSON`, status || undefined, false);
      }
      if ('error' in parsed) {
        const p = parsed.error;
        const s = p.status ?? status;
        throw new IngestSendError(`NATS ${subject}: ${s} ${p.title}${p.detail ? `: ${p.detail}` : ''}`, s, isRetryableStatus(s), { problem: p });
      }
      return parsed as IngestResponse;
    },
    async close() {
      if (owned) await (await owned).drain().catch(() => undefined);
    },
  };
}

import { API_KEY_HEADER, ROUTES } from '@reverie/contracts';
import type { IngestProblem, IngestResponse } from './protocol';
import { IngestSendError, isRetryableStatus } from './retry';
import type { IngestTransport } from './transport';

export interface HttpTransportOptions {
  transport: 'http';
  /** e.g. `http://127.0.0.1:4101` */
  baseUrl: string;
  apiKey: string;
  /** Per request; default 30000 ms. A timeout is retried. */
  timeoutMs?: number;
  /** Largest request body; default 4 MiB (the service's default limit is 8 MiB). */
  maxBodyBytes?: number;
  /** Defaults to the global fetch (undici, keep-alive). */
  fetch?: typeof fetch;
}

export function httpTransport(options: HttpTransportOptions): IngestTransport {
  if (!options.apiKey) throw new Error('ingest client: apiKey is required');
  let base: URL;
  try {
    base = new URL(options.baseUrl);
  } catch {
    throw new Error(`ingest client: baseUrl "${options.baseUrl}" is not a URL`);
  }
  const url = new URL(ROUTES.ingestEvents, base).toString();
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 30_000;
  return {
    name: 'http',
    maxBodyBytes: async () => options.maxBodyBytes ?? 4 * 1024 * 1024,
    async send(body) {
      let res: Response;
      try {
        res = await doFetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [API_KEY_HEADER]: options.apiKey },
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err) {
        const e = err as Error & { cause?: Error };
        const what = e.name === 'TimeoutError' || e.name === 'AbortError' ? `timed out after ${timeoutMs} ms` : (e.cause?.message ?? e.message);
        throw new IngestSendError(`POST ${url}: ${what}`, undefined, true, { cause: err });
      }
      const text = await res.text().catch(() => '');
      if (res.status === 202 || res.status === 207 || res.status === 200) {
        try {
          return JSON.parse(text) as IngestResponse;
        } catch {
          throw new IngestSendError(`POST ${url}: ${res.status} with a body that is not JSON`, res.status, false);
        }
      }
      const problem = parseProblem(text, res.status);
      throw new IngestSendError(`POST ${url}: ${res.status} ${problem.title}${problem.detail ? `: ${problem.detail}` : ''}`, res.status, isRetryableStatus(res.status), {
        problem,
        retryAfterMs: retryAfterMs(res.headers.get('retry-after')),
      });
    },
    close: async () => undefined,
  };
}

function parseProblem(text: string, status: number): IngestProblem {
  try {
    const body = JSON.parse(text) as IngestProblem;
    if (body && typeof body === 'object' && typeof body.title === 'string') return body;
  } catch {
    // not JSON: fall through
  }
  return { type: 'about:blank', title: `HTTP ${status}`, status, detail: text.slice(0, 500) || undefined };
}

/** Retry-After in seconds or as an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, 60_000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.min(Math.max(0, at - now), 60_000);
}

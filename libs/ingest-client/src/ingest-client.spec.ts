import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createIngestClient, encodeBatches, type IngestEvent } from './ingest-client';
import { backoffDelay, IngestSendError } from './retry';

/** A local HTTP server whose answers the test scripts, recording every request. */
interface Received { headers: IncomingMessage['headers']; events: { id: string }[] }
type Handler = (req: Received, n: number, res: ServerResponse) => void;

async function startServer(handler: Handler): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { headers: req.headers, events: (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { events: { id: string }[] }).events };
      received.push(r);
      handler(r, received.length, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json', ...headers });
  res.end(JSON.stringify(body));
};
const acceptAll: Handler = (req, _n, res) => json(res, 202, { accepted: req.events.length, duplicates: 0, rejected: [], redactions: { email: 1 } });

const event = (i: number): IngestEvent => ({
  id: `e-${i}`, type: 'UserMessageRecorded', streamId: 's1', occurredAt: '2025-01-01T00:00:00Z',
  actor: { kind: 'user', id: 'u1' }, data: { seq: i, text: `message ${i}` },
});
const events = (n: number, from = 0) => Array.from({ length: n }, (_, i) => event(from + i));
const noDelay = () => 0;

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('ingest client over HTTP', () => {
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('buffers recorded events into batches of batchSize and merges the answers', async () => {
    server = await startServer((req, n, res) =>
      json(res, n === 2 ? 207 : 202, { accepted: req.events.length - (n === 2 ? 1 : 0), duplicates: 0, rejected: n === 2 ? [{ index: 3, eventId: req.events[3].id, reason: 'data.seq: expected number' }] : [], redactions: { email: 1 } }));
    const client = createIngestClient({ transport: 'http', baseUrl: server.url, apiKey: 'test-key-123' }, { batchSize: 500, flushIntervalMs: 10_000 });
    for (const e of events(1200)) client.record(e);
    const result = await client.flush();
    expect(server.received.map((r) => r.events.length)).toEqual([500, 500, 200]);
    expect(server.received.flatMap((r) => r.events.map((e) => e.id))).toEqual(events(1200).map((e) => e.id));
    expect(server.received[0].headers['x-api-key']).toBe('test-key-123');
    expect(result).toEqual({ accepted: 1199, duplicates: 0, rejected: [{ index: 503, eventId: 'e-503', reason: 'data.seq: expected number' }], redactions: { email: 3 } });
    await client.close();
  });

  it('sends what is buffered after flushIntervalMs without a flush call', async () => {
    server = await startServer(acceptAll);
    const results: number[] = [];
    const client = createIngestClient({ transport: 'http', baseUrl: server.url, apiKey: 'k' }, { batchSize: 500, flushIntervalMs: 20, onResult: (r) => results.push(r.accepted) });
    for (const e of events(3)) client.record(e);
    await until(() => results.length === 1, 'the timed flush');
    expect(server.received.map((r) => r.events.length)).toEqual([3]);
    expect(results).toEqual([3]);
    expect(await client.close()).toMatchObject({ accepted: 3 });
  });

  it('retries 503 and 429 with backoff, honouring Retry-After, then succeeds', async () => {
    server = await startServer((req, n, res) => {
      if (n === 1) return json(res, 503, { title: 'Service Unavailable', status: 503 });
      if (n === 2) return json(res, 429, { title: 'Too Many Requests', status: 429 }, { 'retry-after': '0' });
      acceptAll(req, n, res);
    });
    const retries: [number | undefined, number][] = [];
    const client = createIngestClient({ transport: 'http', baseUrl: server.url, apiKey: 'k' }, { backoff: noDelay, onRetry: (e, attempt) => retries.push([e.status, attempt]) });
    const r = await client.sendBatch(events(10));
    expect(r.accepted).toBe(10);
    expect(server.received).toHaveLength(3);
    expect(retries).toEqual([[503, 1], [429, 2]]);
  });

  it('never retries a 4xx other than 429, and reports the problem', async () => {
    server = await startServer((_req, _n, res) => json(res, 401, { type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'unknown API key' }));
    const client = createIngestClient({ transport: 'http', baseUrl: server.url, apiKey: 'wrong' }, { backoff: noDelay });
    const err = await client.sendBatch(events(2)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IngestSendError);
    expect(err).toMatchObject({ status: 401, retryable: false, message: expect.stringContaining('unknown API key') });
    expect(server.received).toHaveLength(1);
  });

  it('gives up after maxRetries on persistent 5xx', async () => {
    server = await startServer((_req, _n, res) => json(res, 500, { title: 'Internal Server Error', status: 500 }));
    const client = createIngestClient({ transport: 'http', baseUrl: server.url, apiKey: 'k' }, { maxRetries: 3, backoff: noDelay });
    await expect(client.sendBatch(events(1))).rejects.toMatchObject({ status: 500, options: { attempts: 4 } });
    expect(server.received).toHaveLength(4);
  });

  it('retries a request that timed out', async () => {
    server = await startServer((req, n, res) => {
      if (n === 1) return setTimeout(() => acceptAll(req, n, res), 500);
      acceptAll(req, n, res);
    });
    const client = createIngestClient({ transport: 'http', baseUrl: server.url, apiKey: 'k', timeoutMs: 100 }, { backoff: noDelay });
    expect(await client.sendBatch(events(5))).toMatchObject({ accepted: 5 });
    expect(server.received).toHaveLength(2);
  });

  it('retries connection failures and then reports them', async () => {
    const gone = await startServer(acceptAll);
    const url = gone.url;
    await gone.close();
    let retries = 0;
    const client = createIngestClient({ transport: 'http', baseUrl: url, apiKey: 'k' }, { maxRetries: 2, backoff: noDelay, onRetry: () => retries++ });
    await expect(client.sendBatch(events(1))).rejects.toMatchObject({ retryable: true, status: undefined, options: { attempts: 3 } });
    expect(retries).toBe(2);
  });

  it('offsets rejection indexes across the batches of one sendBatch', async () => {
    server = await startServer((req, _n, res) => json(res, 207, { accepted: req.events.length - 1, duplicates: 1, rejected: [{ index: 1, reason: 'bad' }], redactions: {} }));
    const client = createIngestClient({ transport: 'http', baseUrl: server.url, apiKey: 'k' }, { batchSize: 4 });
    const r = await client.sendBatch(events(10));
    expect(r.rejected.map((x) => x.index)).toEqual([1, 5, 9]);
    expect(r).toMatchObject({ accepted: 7, duplicates: 3 });
  });

  it('surfaces a failed background batch in flush() and onError, then carries on', async () => {
    server = await startServer((req, n, res) => (n === 1 ? json(res, 400, { title: 'Bad Request', status: 400, detail: 'events: expected an array' }) : acceptAll(req, n, res)));
    const failed: number[] = [];
    const client = createIngestClient({ transport: 'http', baseUrl: server.url, apiKey: 'k' }, { batchSize: 2, onError: (_e, evs) => failed.push(evs.length) });
    for (const e of events(2)) client.record(e);
    await expect(client.flush()).rejects.toMatchObject({ status: 400 });
    expect(failed).toEqual([2]);
    for (const e of events(2, 2)) client.record(e);
    expect(await client.flush()).toMatchObject({ accepted: 2 });
    await client.close();
    expect(() => client.record(event(9))).toThrow(/after close/);
  });

  it('refuses to buffer without bound when nothing can be sent', async () => {
    const client = createIngestClient({ transport: 'http', baseUrl: 'http://127.0.0.1:9', apiKey: 'k' }, { batchSize: 1000, maxBuffered: 3, flushIntervalMs: 60_000, maxRetries: 0 });
    for (const e of events(3)) client.record(e);
    expect(() => client.record(event(4))).toThrow(/maxBuffered 3/);
    await expect(client.close()).rejects.toMatchObject({ retryable: true });
  });

  it('rejects bad options with a message naming them', () => {
    expect(() => createIngestClient({ transport: 'http', baseUrl: 'not a url', apiKey: 'k' })).toThrow(/baseUrl "not a url"/);
    expect(() => createIngestClient({ transport: 'http', baseUrl: 'http://x', apiKey: '' })).toThrow(/apiKey/);
    expect(() => createIngestClient({ transport: 'http', baseUrl: 'http://x', apiKey: 'k' }, { batchSize: 0 })).toThrow(/batchSize/);
    expect(() => createIngestClient({ transport: 'nats', apiKey: 'k' })).toThrow(/nc or servers/);
  });
});

describe('encodeBatches', () => {
  it('splits by count and by bytes and keeps every event once, in order', () => {
    const evs = events(10).map((e, i) => ({ ...e, data: { seq: i, text: 'x'.repeat(i === 4 ? 5000 : 100) } }));
    const batches = encodeBatches(evs, 3, 1000);
    const ids = batches.flatMap((b) => (JSON.parse(b.body) as { events: { id: string }[] }).events.map((e) => e.id));
    expect(ids).toEqual(evs.map((e) => e.id));
    expect(batches.every((b) => b.count <= 3)).toBe(true);
    expect(batches.filter((b) => Buffer.byteLength(b.body) > 1000).map((b) => b.count)).toEqual([1]);
    expect(batches.map((b) => b.start)).toEqual(batches.map((_, i) => batches.slice(0, i).reduce((n, b) => n + b.count, 0)));
  });
});

describe('backoffDelay', () => {
  it('grows exponentially with full jitter and is capped', () => {
    expect(backoffDelay(0, {}, () => 1)).toBe(100);
    expect(backoffDelay(3, {}, () => 1)).toBe(800);
    expect(backoffDelay(20, { maxMs: 2000 }, () => 1)).toBe(2000);
    expect(backoffDelay(3, {}, () => 0)).toBe(0);
    expect(backoffDelay(3, {}, () => 0.5)).toBe(400);
  });
});

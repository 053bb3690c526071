import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseEvidence } from '../lesson-prompt';

/**
 * A loopback server speaking the Anthropic Messages and Message Batches wire format, for tests that
 * run the real @anthropic-ai/sdk through `baseURL`. Every HTTP request is recorded; every Messages
 * request (direct or inside a batch) takes the next scripted step, or the default step when the
 * script is empty. Token usage is computed from the request size (~4 chars per token), with the
 * tools + system prefix counted as a cache write the first time and a cache read afterwards when
 * the system carries cache_control.
 */
export type FakeStep =
  /** A tool_use block whose input is built from the request (default: one lesson per candidate). */
  | { type: 'lessons'; build?: (req: MessagesParams) => unknown }
  /** A tool_use block with exactly this input (for malformed output). */
  | { type: 'tool-input'; input: unknown }
  /** These content blocks as the whole reply (e.g. text only, no tool_use). */
  | { type: 'content'; content: unknown[] }
  /** An HTTP error (429, 529, 500...); in a batch, an `errored` entry. */
  | { type: 'error'; status: number; errorType?: string; retryAfterMs?: number }
  /** In a batch, an `expired` entry; as a direct request, a 500. */
  | { type: 'expired' };

export interface MessagesParams {
  model: string;
  max_tokens: number;
  system?: string | Array<{ type: string; text: string; cache_control?: { type: string } | null }>;
  tools?: Array<{ name: string; description?: string; input_schema: Record<string, unknown> }>;
  tool_choice?: { type: string; name?: string };
  messages: Array<{ role: string; content: string | Array<{ type: string; text?: string }> }>;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export interface ProcessedMessages {
  via: 'messages' | 'batch';
  params: MessagesParams;
  step: FakeStep['type'];
  usage?: Usage;
}

interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

interface StoredBatch {
  id: string;
  createdAt: string;
  pollsLeft: number;
  canceled: boolean;
  lines: Array<{ custom_id: string; result: Record<string, unknown> }>;
}

export interface FakeAnthropicServer {
  readonly url: string;
  /** Every HTTP request, in arrival order. */
  readonly requests: RecordedRequest[];
  /** Every Messages request processed (direct or batch entry), with the usage it was charged. */
  readonly processed: ProcessedMessages[];
  /** Queue steps for the next Messages requests. */
  script(...steps: FakeStep[]): void;
  /** The step used when the script is empty. */
  setDefault(step: FakeStep): void;
  /** How many GET /v1/messages/batches/:id answer `in_progress` before `ended` (default 1). */
  setBatchPolls(n: number): void;
  close(): Promise<void>;
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  404: 'not_found_error',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

export async function startFakeAnthropic(): Promise<FakeAnthropicServer> {
  const requests: RecordedRequest[] = [];
  const processed: ProcessedMessages[] = [];
  const queue: FakeStep[] = [];
  let fallbackStep: FakeStep = { type: 'lessons' };
  let batchPolls = 1;
  const cachedPrefixes = new Set<string>();
  const batches = new Map<string, StoredBatch>();
  let url = '';

  const nextStep = (): FakeStep => queue.shift() ?? fallbackStep;

  function usageFor(params: MessagesParams, content: unknown[]): Usage {
    const prefix = JSON.stringify(params.tools ?? []) + JSON.stringify(params.system ?? '');
    const rest = JSON.stringify(params.messages);
    const prefixTokens = Math.ceil(prefix.length / 4);
    const cached = Array.isArray(params.system) && params.system.some((b) => b.cache_control?.type === 'ephemeral');
    const key = createHash('sha256').update(`${params.model}\u0000${prefix}`).digest('hex');
    const hit = cached && cachedPrefixes.has(key);
    if (cached) cachedPrefixes.add(key);
    return {
      input_tokens: Math.ceil(rest.length / 4) + (cached ? 0 : prefixTokens),
      cache_creation_input_tokens: cached && !hit ? prefixTokens : 0,
      cache_read_input_tokens: hit ? prefixTokens : 0,
      output_tokens: Math.min(params.max_tokens, Math.ceil(JSON.stringify(content).length / 4)),
    };
  }

  /** Runs one Messages request: either a message body or an error (status + body). */
  function runMessages(params: MessagesParams, via: ProcessedMessages['via']):
    | { ok: true; message: Record<string, unknown> }
    | { ok: false; status: number; errorType: string; retryAfterMs?: number; expired?: boolean } {
    const step = nextStep();
    if (step.type === 'error') {
      processed.push({ via, params, step: step.type });
      return { ok: false, status: step.status, errorType: step.errorType ?? ERROR_TYPES[step.status] ?? 'api_error', retryAfterMs: step.retryAfterMs };
    }
    if (step.type === 'expired') {
      processed.push({ via, params, step: step.type });
      return { ok: false, status: 500, errorType: 'api_error', expired: true };
    }
    const toolName = params.tool_choice?.name ?? params.tools?.[0]?.name ?? 'tool';
    const content =
      step.type === 'content'
        ? step.content
        : [{ type: 'tool_use', id: `toolu_${randomUUID().replace(/-/g, '')}`, name: toolName, input: step.type === 'tool-input' ? step.input : (step.build ?? echoLessons)(params), caller: { type: 'direct' } }];
    const usage = usageFor(params, content);
    processed.push({ via, params, step: step.type, usage });
    return {
      ok: true,
      message: {
        id: `msg_${randomUUID().replace(/-/g, '')}`,
        type: 'message',
        role: 'assistant',
        model: params.model,
        content,
        container: null,
        diagnostics: null,
        stop_details: null,
        stop_reason: content.some((b) => (b as { type: string }).type === 'tool_use') ? 'tool_use' : 'end_turn',
        stop_sequence: null,
        usage: { ...usage, cache_creation: null, inference_geo: null, output_tokens_details: null, server_tool_use: null, service_tier: via === 'batch' ? 'batch' : 'standard', speed: null },
      },
    };
  }

  function batchView(b: StoredBatch, ended: boolean): Record<string, unknown> {
    const count = (t: string) => (ended ? b.lines.filter((l) => l.result.type === t).length : 0);
    return {
      id: b.id,
      type: 'message_batch',
      processing_status: ended ? 'ended' : 'in_progress',
      request_counts: {
        processing: ended ? 0 : b.lines.length,
        succeeded: count('succeeded'),
        errored: count('errored'),
        canceled: count('canceled'),
        expired: count('expired'),
      },
      created_at: b.createdAt,
      expires_at: new Date(Date.parse(b.createdAt) + 86_400_000).toISOString(),
      ended_at: ended ? new Date().toISOString() : null,
      archived_at: null,
      cancel_initiated_at: b.canceled ? new Date().toISOString() : null,
      results_url: ended ? `${url}/v1/messages/batches/${b.id}/results` : null,
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const path = (req.url ?? '/').split('?')[0];
    let body: unknown = undefined;
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        return sendError(res, 400, 'invalid_request_error', 'body is not JSON');
      }
    }
    requests.push({ method: req.method ?? '', path, headers: req.headers, body });
    // SDK 1.12 sends the API key as `Authorization: Bearer`; older clients use x-api-key. Accept either.
    if (!req.headers['x-api-key'] && !/^Bearer \S+/.test(req.headers.authorization ?? '')) {
      return sendError(res, 401, 'authentication_error', 'x-api-key or Authorization: Bearer header is required');
    }
    if (!req.headers['anthropic-version']) return sendError(res, 400, 'invalid_request_error', 'anthropic-version header is required');

    if (req.method === 'POST' && path === '/v1/messages') {
      const problem = paramsProblem(body);
      if (problem) return sendError(res, 400, 'invalid_request_error', problem);
      const r = runMessages(body as MessagesParams, 'messages');
      if (r.ok) return sendJson(res, 200, r.message);
      return sendError(res, r.status, r.errorType, r.expired ? 'expired' : `scripted ${r.status}`, r.retryAfterMs);
    }
    if (req.method === 'POST' && path === '/v1/messages/batches') {
      const reqs = (body as { requests?: unknown }).requests;
      if (!Array.isArray(reqs) || reqs.length === 0) return sendError(res, 400, 'invalid_request_error', 'requests: must be a non-empty array');
      const ids = new Set<string>();
      for (const [i, r] of reqs.entries()) {
        const id = (r as { custom_id?: unknown }).custom_id;
        if (typeof id !== 'string' || ids.has(id)) return sendError(res, 400, 'invalid_request_error', `requests.${i}.custom_id: missing or duplicate`);
        ids.add(id);
        const problem = paramsProblem((r as { params?: unknown }).params);
        if (problem) return sendError(res, 400, 'invalid_request_error', `requests.${i}.params: ${problem}`);
      }
      const batch: StoredBatch = { id: `msgbatch_${randomUUID().replace(/-/g, '')}`, createdAt: new Date().toISOString(), pollsLeft: batchPolls, canceled: false, lines: [] };
      for (const r of reqs as Array<{ custom_id: string; params: MessagesParams }>) {
        const out = runMessages(r.params, 'batch');
        const result = out.ok
          ? { type: 'succeeded', message: out.message }
          : out.expired
            ? { type: 'expired' }
            : { type: 'errored', error: { type: 'error', error: { type: out.errorType, message: `scripted ${out.status}` } } };
        batch.lines.push({ custom_id: r.custom_id, result });
      }
      // Results are not in request order on the real API either.
      batch.lines.reverse();
      batches.set(batch.id, batch);
      return sendJson(res, 200, batchView(batch, false));
    }
    const m = /^\/v1\/messages\/batches\/([^/]+)(\/results|\/cancel)?$/.exec(path);
    const batch = m ? batches.get(m[1]) : undefined;
    if (m && !batch) return sendError(res, 404, 'not_found_error', `no batch ${m[1]}`);
    if (batch && req.method === 'GET' && !m?.[2]) {
      const ended = batch.canceled || batch.pollsLeft <= 0;
      batch.pollsLeft -= 1;
      return sendJson(res, 200, batchView(batch, ended));
    }
    if (batch && req.method === 'POST' && m?.[2] === '/cancel') {
      batch.canceled = true;
      for (const l of batch.lines) if (l.result.type === 'succeeded') l.result = { type: 'canceled' };
      return sendJson(res, 200, batchView(batch, true));
    }
    if (batch && req.method === 'GET' && m?.[2] === '/results') {
      if (!batch.canceled && batch.pollsLeft > 0) return sendError(res, 404, 'not_found_error', 'batch has not ended');
      res.writeHead(200, { 'content-type': 'application/binary' });
      return void res.end(batch.lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    }
    return sendError(res, 404, 'not_found_error', `${req.method} ${path} is not served by the fake`);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => sendError(res, 500, 'api_error', String(err)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    requests,
    processed,
    script: (...steps) => void queue.push(...steps),
    setDefault: (step) => void (fallbackStep = step),
    setBatchPolls: (n) => void (batchPolls = n),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** The default reply: one lesson per candidate found in the <evidence> block, marked "Claude:". */
export function echoLessons(params: MessagesParams): unknown {
  const { candidates } = parseEvidence(userText(params));
  return {
    lessons: candidates.map((c) => ({
      candidateIds: [String(c.id)],
      text: `Claude: ${String(c.templateText)}`.slice(0, 300),
      rationale: `Seen in ${(c.support as { sessions?: number } | undefined)?.sessions ?? '?'} sessions.`,
    })),
  };
}

/** The text of the (last) user message of a request. */
export function userText(params: MessagesParams): string {
  const last = [...params.messages].reverse().find((m) => m.role === 'user');
  if (!last) return '';
  return typeof last.content === 'string' ? last.content : last.content.map((b) => b.text ?? '').join('\n');
}

function paramsProblem(body: unknown): string | undefined {
  const p = body as Partial<MessagesParams> | undefined;
  if (!p || typeof p !== 'object') return 'body must be an object';
  if (typeof p.model !== 'string' || !p.model) return 'model: field required';
  if (!Number.isInteger(p.max_tokens) || (p.max_tokens as number) < 1) return 'max_tokens: must be a positive integer';
  if (!Array.isArray(p.messages) || p.messages.length === 0) return 'messages: must be a non-empty array';
  if (p.tool_choice?.type === 'tool' && !p.tools?.some((t) => t.name === p.tool_choice?.name)) {
    return `tool_choice: tool ${p.tool_choice.name} is not in tools`;
  }
  return undefined;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_${randomUUID()}`, ...headers });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, status: number, type: string, message: string, retryAfterMs?: number): void {
  const headers: Record<string, string> = {};
  if (retryAfterMs !== undefined) {
    headers['retry-after'] = String(retryAfterMs / 1000);
    headers['retry-after-ms'] = String(retryAfterMs);
  }
  sendJson(res, status, { type: 'error', error: { type, message } }, headers);
}

import Anthropic, { APIError } from '@anthropic-ai/sdk';
import type { Message, MessageCreateParamsNonStreaming } from '@anthropic-ai/sdk/resources/messages';
import type { LessonCandidate, LessonWriter, LessonWriterResult } from '@reverie/contracts';
import { applyLessons } from './lesson-apply';
import { readToolOutput } from './lesson-output.schema';
import { RECORD_LESSONS_TOOL, buildUserMessage, candidateView, estimateTokens, sharedPrefix } from './lesson-prompt';
import { TokenMeter } from './token-meter';
import { FallbackLedger } from './fallback-ledger';

export interface ClaudeWriterOptions {
  apiKey: string;
  baseURL?: string;
  /** Default 'claude-sonnet-4-6'. */
  model?: string;
  /** Retries of 408/409/429/5xx (incl. 529 overloaded) done by the SDK. Default 4. */
  maxRetries?: number;
  /** Per dream, input (incl. cache reads and writes) + output. */
  tokenBudget: number;
  /** Use the Message Batches API when there are more candidates than this. Default 50. */
  batchThreshold?: number;
  /** Delay between batch status polls. Default 30 s. */
  batchPollMs?: number;
  /** Give up on (and cancel) a batch not ended after this long. Default 1 h. */
  batchMaxWaitMs?: number;
  /** Per HTTP request. Default 120 s. */
  timeoutMs?: number;
  /** Candidates per request. Default 10. */
  chunkSize?: number;
  logger?: (msg: string, fields: Record<string, unknown>) => void;
}

// claude-sonnet-4-5 is on the SDK's deprecation list (end of life 2026-11-30) and makes it warn on every call.
export const DEFAULT_MODEL = 'claude-sonnet-4-6';
/** Output tokens reserved per request: a lesson (≤ 300 chars) + rationale + JSON is well under 200 tokens. */
const OUTPUT_TOKENS_BASE = 256;
const OUTPUT_TOKENS_PER_CANDIDATE = 200;

interface Entry {
  id: string;
  /** The candidate as the template writer wrote it: the fallback and what Claude sees. */
  template: LessonCandidate;
}
interface ChunkRequest {
  customId: string;
  entries: Entry[];
  params: MessageCreateParamsNonStreaming;
  /** Input estimate plus the max_tokens reserved for output. */
  estimate: number;
}

/**
 * A LessonWriter backed by Claude. It never throws for API or output trouble: every candidate
 * Claude could not write (budget, API error, malformed or rejected output) keeps the text of the
 * `fallback` (template) writer, with a note saying why.
 */
export function createClaudeWriter(opts: ClaudeWriterOptions, fallback: LessonWriter): LessonWriter {
  const cfg = validateOptions(opts);
  const client = new Anthropic({
    apiKey: cfg.apiKey,
    baseURL: cfg.baseURL,
    maxRetries: cfg.maxRetries,
    timeout: cfg.timeoutMs,
    // The SDK's call span stays (without prompts or completions, whatever the environment says);
    // the services' fetch instrumentation sends the trace context, with a span per attempt under it.
    openTelemetry: { propagation: false },
  });
  const log = opts.logger ?? (() => undefined);
  const name = `claude:${cfg.model}`;

  function buildRequest(entries: Entry[], index: number): ChunkRequest {
    const maxTokens = OUTPUT_TOKENS_BASE + OUTPUT_TOKENS_PER_CANDIDATE * entries.length;
    // Tools + system are the same for every request of every dream: cached (breakpoint on the system block).
    const { system, tools } = sharedPrefix();
    const params: MessageCreateParamsNonStreaming = {
      model: cfg.model,
      max_tokens: maxTokens,
      system,
      tools,
      tool_choice: { type: 'tool', name: RECORD_LESSONS_TOOL },
      messages: [{ role: 'user', content: buildUserMessage(entries.map((e) => candidateView(e.id, e.template))) }],
    };
    const inputChars = JSON.stringify([params.system, params.tools, params.messages]).length;
    return { customId: `chunk-${index}`, entries, params, estimate: estimateTokens(inputChars) + maxTokens };
  }

  /** Applies one response to its chunk: written candidates, or fallbacks with the reason. */
  function absorb(req: ChunkRequest, message: Message, meter: TokenMeter, ledger: FallbackLedger): LessonCandidate[][] {
    meter.add(message.usage);
    const output = readToolOutput(message.content as Array<{ type: string; name?: string; input?: unknown }>, RECORD_LESSONS_TOOL);
    if (!output.ok) {
      ledger.add(req.entries, 'malformed output', output.reason);
      return req.entries.map((e) => [e.template]);
    }
    const chunk = new Map(req.entries.map((e) => [e.id, e.template]));
    const { written, fallback: kept } = applyLessons(chunk, output.value.lessons);
    for (const [id, reason] of kept) {
      const entry = req.entries.find((e) => e.id === id) as Entry;
      ledger.add([entry], reason.startsWith('rejected by post-check') ? 'rejected by post-check' : 'malformed output', reason);
    }
    ledger.claude += written.length;
    // Keep input order: each written lesson goes where its first candidate was.
    const byFirstId = new Map<string, LessonCandidate[]>();
    for (const w of written) byFirstId.set(w.firstId, [...(byFirstId.get(w.firstId) ?? []), w.candidate]);
    return req.entries.map((e) => (kept.has(e.id) ? [e.template] : byFirstId.get(e.id) ?? []));
  }

  async function runSequential(requests: ChunkRequest[], budget: number, meter: TokenMeter, ledger: FallbackLedger) {
    const out: LessonCandidate[][][] = [];
    let stopped: string | undefined;
    let exhausted = false;
    for (const req of requests) {
      const templates = req.entries.map((e) => [e.template]);
      if (stopped) {
        ledger.add(req.entries, 'API error', `not sent after an earlier API failure (${stopped})`);
        out.push(templates);
        continue;
      }
      if (exhausted || meter.total + req.estimate > budget) {
        // Once one request does not fit, no later one is sent either: the budget is a stop, not a packing problem.
        ledger.add(req.entries, 'budget exhausted', `request needs ~${req.estimate} tokens, ${budget - meter.total} left of ${budget}`);
        exhausted = true;
        out.push(templates);
        continue;
      }
      try {
        const message = await client.messages.create(req.params);
        out.push(absorb(req, message, meter, ledger));
        log('claude-writer: request done', { customId: req.customId, candidates: req.entries.length, usage: message.usage });
      } catch (err) {
        stopped = describeError(err);
        log('claude-writer: request failed', { customId: req.customId, error: stopped });
        ledger.add(req.entries, 'API error', `${stopped} (after up to ${cfg.maxRetries} retries)`);
        out.push(templates);
      }
    }
    return out;
  }

  async function runBatch(requests: ChunkRequest[], budget: number, meter: TokenMeter, ledger: FallbackLedger) {
    const out = new Map<string, LessonCandidate[][]>();
    const templates = (req: ChunkRequest) => req.entries.map((e) => [e.template]);
    // Budget is checked up front: a batch is paid for whole, so only requests that fit are sent.
    let planned = meter.total;
    let full = false;
    const send: ChunkRequest[] = [];
    for (const req of requests) {
      full = full || planned + req.estimate > budget;
      if (full) {
        ledger.add(req.entries, 'budget exhausted', `request needs ~${req.estimate} tokens, ${budget - planned} left of ${budget}`);
        out.set(req.customId, templates(req));
      } else {
        planned += req.estimate;
        send.push(req);
      }
    }
    if (send.length) {
      try {
        const batch = await client.messages.batches.create({
          requests: send.map((r) => ({ custom_id: r.customId, params: r.params })),
        });
        log('claude-writer: batch created', { batchId: batch.id, requests: send.length });
        const deadline = Date.now() + cfg.batchMaxWaitMs;
        let status = batch;
        while (status.processing_status !== 'ended') {
          if (Date.now() > deadline) {
            await client.messages.batches.cancel(batch.id).catch(() => undefined);
            throw new Error(`batch ${batch.id} not ended after ${cfg.batchMaxWaitMs} ms; canceled`);
          }
          await sleep(cfg.batchPollMs);
          status = await client.messages.batches.retrieve(batch.id);
        }
        const byId = new Map(send.map((r) => [r.customId, r]));
        for await (const line of await client.messages.batches.results(batch.id)) {
          const req = byId.get(line.custom_id);
          if (!req || out.has(req.customId)) continue;
          if (line.result.type === 'succeeded') {
            out.set(req.customId, absorb(req, line.result.message, meter, ledger));
          } else {
            const detail = line.result.type === 'errored' ? `: ${line.result.error.error.type} ${line.result.error.error.message}` : '';
            ledger.add(req.entries, 'batch entry failed', `batch entry ${line.result.type}${detail}`);
            out.set(req.customId, templates(req));
          }
        }
        for (const req of send) {
          if (!out.has(req.customId)) {
            ledger.add(req.entries, 'batch entry failed', 'no result for this batch entry');
            out.set(req.customId, templates(req));
          }
        }
      } catch (err) {
        const reason = describeError(err);
        log('claude-writer: batch failed', { error: reason });
        for (const req of send) {
          if (out.has(req.customId)) continue;
          ledger.add(req.entries, 'API error', `batch failed: ${reason}`);
          out.set(req.customId, templates(req));
        }
      }
    }
    return requests.map((r) => out.get(r.customId) as LessonCandidate[][]);
  }

  return {
    name,
    async write(candidates, options): Promise<LessonWriterResult> {
      const budget = options.tokenBudget ?? cfg.tokenBudget;
      if (candidates.length === 0) return { candidates: [], tokens: { input: 0, output: 0 }, writer: name, notes: [] };
      const templated = await fallback.write(candidates, {});
      const byFingerprint = new Map(templated.candidates.map((c) => [c.fingerprint, c]));
      const entries: Entry[] = candidates.map((c, i) => ({ id: `c${i + 1}`, template: byFingerprint.get(c.fingerprint) ?? c }));
      const requests: ChunkRequest[] = [];
      for (let i = 0; i < entries.length; i += cfg.chunkSize) {
        requests.push(buildRequest(entries.slice(i, i + cfg.chunkSize), requests.length));
      }
      const meter = new TokenMeter();
      const ledger = new FallbackLedger();
      const useBatch = candidates.length > cfg.batchThreshold;
      const perRequest = useBatch
        ? await runBatch(requests, budget, meter, ledger)
        : await runSequential(requests, budget, meter, ledger);
      const notes = [
        ...ledger.notes(),
        `${useBatch ? 'batch' : 'sequential'}: ${requests.length} request(s) of ≤ ${cfg.chunkSize} candidates; ${meter.describe()}; budget ${budget}`,
      ];
      log('claude-writer: dream written', { ...meter.fields(), budget, requests: requests.length, mode: useBatch ? 'batch' : 'sequential' });
      // Every request was sent (a refused one still carried its candidates out): their supporting sessions left the system.
      const sentSessions = meter.input > 0 ? sessionsBehind(candidates) : [];
      return {
        candidates: perRequest.flat(2),
        tokens: { input: meter.input, output: meter.output },
        writer: writerLabel(name, ledger),
        notes,
        ...(sentSessions.length && { sentSessions }),
      };
    },
  };
}

function writerLabel(name: string, ledger: FallbackLedger): string {
  const reasons = ledger.categories();
  if (reasons.length === 0) return name;
  if (ledger.claude === 0) return `template (fallback: ${reasons.join(', ')})`;
  return `${name} + template (${reasons.join(', ')})`;
}

function describeError(err: unknown): string {
  if (err instanceof APIError) return `${err.status ?? 'no status'} ${err.constructor.name}: ${err.message}`;
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function validateOptions(o: ClaudeWriterOptions) {
  const problems: string[] = [];
  if (typeof o.apiKey !== 'string' || !o.apiKey.trim()) problems.push('apiKey must be a non-empty string');
  const posInt = (name: string, v: number | undefined, min: number) => {
    if (v !== undefined && (!Number.isInteger(v) || v < min)) problems.push(`${name} must be an integer ≥ ${min}, got ${v}`);
  };
  posInt('tokenBudget', o.tokenBudget, 1);
  if (o.tokenBudget === undefined) problems.push('tokenBudget is required');
  posInt('maxRetries', o.maxRetries, 0);
  posInt('batchThreshold', o.batchThreshold, 0);
  posInt('batchPollMs', o.batchPollMs, 0);
  posInt('batchMaxWaitMs', o.batchMaxWaitMs, 1);
  posInt('timeoutMs', o.timeoutMs, 1);
  posInt('chunkSize', o.chunkSize, 1);
  if (problems.length) throw new Error(`Invalid Claude writer options: ${problems.join('; ')}`);
  return {
    apiKey: o.apiKey,
    baseURL: o.baseURL,
    model: o.model?.trim() || DEFAULT_MODEL,
    maxRetries: o.maxRetries ?? 4,
    tokenBudget: o.tokenBudget,
    batchThreshold: o.batchThreshold ?? 50,
    batchPollMs: o.batchPollMs ?? 30_000,
    batchMaxWaitMs: o.batchMaxWaitMs ?? 3_600_000,
    timeoutMs: o.timeoutMs ?? 120_000,
    chunkSize: o.chunkSize ?? 10,
  };
}

/** The sessions whose data a candidate's facts and excerpts carry: its support's sessions and its references'. */
export function sessionsBehind(candidates: readonly LessonCandidate[]): string[] {
  const ids = new Set<string>();
  for (const c of candidates) {
    for (const p of c.support.provenance ?? []) ids.add(p.sessionId);
    for (const r of c.evidence.refs) ids.add(r.sessionId);
  }
  return [...ids].sort();
}

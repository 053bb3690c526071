import { ImportError } from './import.error';
import { newSession, type ImportContext } from './import.context';
import type { FormatImport, ImportedSession } from './import.types';
import { baseName, isRecord, str, textOf, type Json } from './import.util';
import type { SessionBuilder } from './session.builder';
import { parseArguments } from './chat-steps';
import { readJsonl } from './jsonl.reader';

/** A span reduced to what the importer needs, from OTLP/JSON or from a plain `{name, attributes}` object. */
export interface GenAiSpan {
  traceId?: string;
  spanId?: string;
  name: string;
  attributes: Json;
  start?: string;
  end?: string;
  isError: boolean;
  statusMessage?: string;
}

/** OTLP AnyValue → plain JSON value. */
function anyValue(v: unknown): unknown {
  if (!isRecord(v)) return v;
  if ('stringValue' in v) return v['stringValue'];
  if ('boolValue' in v) return v['boolValue'];
  if ('intValue' in v) return Number(v['intValue']);
  if ('doubleValue' in v) return Number(v['doubleValue']);
  if ('bytesValue' in v) return v['bytesValue'];
  if (isRecord(v['arrayValue'])) return ((v['arrayValue']['values'] as unknown[]) ?? []).map(anyValue);
  if (isRecord(v['kvlistValue'])) return keyValues(v['kvlistValue']['values']);
  return v;
}

function keyValues(list: unknown): Json {
  if (isRecord(list)) return { ...list };
  const out: Json = {};
  if (!Array.isArray(list)) return out;
  for (const kv of list) {
    if (isRecord(kv) && typeof kv['key'] === 'string') out[kv['key']] = anyValue(kv['value']);
  }
  return out;
}

function toSpan(raw: Json): GenAiSpan {
  const status = isRecord(raw['status']) ? raw['status'] : {};
  const attributes = keyValues(raw['attributes']);
  const code = status['code'];
  return {
    traceId: str(raw['traceId']) || str(raw['trace_id']) || undefined,
    spanId: str(raw['spanId']) || str(raw['span_id']) || undefined,
    name: str(raw['name']) ?? '',
    attributes,
    start: str(raw['startTimeUnixNano']) ?? (typeof raw['startTimeUnixNano'] === 'number' ? String(raw['startTimeUnixNano']) : str(raw['start_time'])),
    end: str(raw['endTimeUnixNano']) ?? (typeof raw['endTimeUnixNano'] === 'number' ? String(raw['endTimeUnixNano']) : str(raw['end_time'])),
    isError: code === 2 || code === 'STATUS_CODE_ERROR' || code === 'ERROR' || attributes['error.type'] !== undefined,
    statusMessage: str(status['message']),
  };
}

/** Spans from an OTLP/JSON export (`resourceSpans`), `{spans: [...]}` or a bare list of spans. */
export function collectSpans(body: unknown): GenAiSpan[] | undefined {
  if (isRecord(body) && Array.isArray(body['resourceSpans'])) {
    const spans: GenAiSpan[] = [];
    for (const rs of body['resourceSpans']) {
      if (!isRecord(rs)) continue;
      const scopes = (rs['scopeSpans'] ?? rs['instrumentationLibrarySpans']) as unknown;
      if (!Array.isArray(scopes)) continue;
      for (const ss of scopes) if (isRecord(ss) && Array.isArray(ss['spans'])) spans.push(...ss['spans'].filter(isRecord).map(toSpan));
    }
    return spans;
  }
  if (isRecord(body) && Array.isArray(body['spans'])) return body['spans'].filter(isRecord).map(toSpan);
  if (Array.isArray(body) && body.every((s) => isRecord(s) && 'attributes' in s)) return body.filter(isRecord).map(toSpan);
  return undefined;
}

const jsonAttr = (v: unknown): unknown => {
  if (typeof v !== 'string') return v;
  const t = v.trim();
  if (!t.startsWith('[') && !t.startsWith('{')) return v;
  try { return JSON.parse(t); } catch { return v; }
};

const operation = (s: GenAiSpan): string => str(s.attributes['gen_ai.operation.name']) ?? s.name.split(' ')[0];
const CHAT_OPERATIONS = new Set(['chat', 'text_completion', 'generate_content']);

/**
 * OpenTelemetry GenAI spans. `chat` spans → user / assistant messages from
 * `gen_ai.input.messages` and `gen_ai.output.messages` (each chat span repeats the history, so
 * only messages not seen before are recorded); tool_call parts → ToolCallRecorded;
 * `execute_tool` spans → tool call (if the chat output did not already record it) and result,
 * an error when the span status code is 2 (ERROR) or `error.type` is set; the result text comes
 * from `gen_ai.tool.call.result` or a later tool_call_response part. Sessions are grouped by
 * `gen_ai.conversation.id`, else by trace id, else one session per file. Outcome 'unknown'.
 */
export function importOtelSpans(ctx: ImportContext, spans: GenAiSpan[]): FormatImport {
  const convByTrace = new Map<string, string>();
  for (const s of spans) {
    const conv = str(s.attributes['gen_ai.conversation.id']);
    if (conv && s.traceId && !convByTrace.has(s.traceId)) convByTrace.set(s.traceId, conv);
  }
  const groups = new Map<string, GenAiSpan[]>();
  for (const s of spans) {
    if (!CHAT_OPERATIONS.has(operation(s)) && operation(s) !== 'execute_tool') continue;
    const conv = str(s.attributes['gen_ai.conversation.id']) ?? (s.traceId ? convByTrace.get(s.traceId) : undefined);
    const key = conv ?? (s.traceId ? `trace-${s.traceId}` : baseName(ctx.file));
    const list = groups.get(key);
    if (list) list.push(s);
    else groups.set(key, [s]);
  }
  const sessions: ImportedSession[] = [];
  for (const [key, list] of groups) {
    const ordered = list.map((s, i) => ({ s, i })).sort((a, b) => compareStart(a.s, b.s) || a.i - b.i).map((x) => x.s);
    sessions.push(importConversation(ctx, key, ordered));
  }
  return { sessions, rejected: [] };
}

function compareStart(a: GenAiSpan, b: GenAiSpan): number {
  if (!a.start || !b.start) return 0;
  const x = BigInt(/^\d+$/.test(a.start) ? a.start : 0), y = BigInt(/^\d+$/.test(b.start) ? b.start : 0);
  return x < y ? -1 : x > y ? 1 : 0;
}

interface ToolState {
  calls: Set<string>;
  results: Map<string, { index: number; filled: boolean }>;
}

function importConversation(ctx: ImportContext, key: string, spans: GenAiSpan[]): ImportedSession {
  const b = newSession(ctx, 'otel', key);
  const tools: ToolState = { calls: new Set(), results: new Map() };
  let transcript: string[] = [];
  const seen = new Set<string>();
  let task: string | undefined;
  let model: string | undefined;

  for (const span of spans) {
    if (operation(span) === 'execute_tool') {
      executeTool(b, span, tools);
      continue;
    }
    model = str(span.attributes['gen_ai.response.model']) ?? str(span.attributes['gen_ai.request.model']) ?? model;
    const input = asMessages(span.attributes['gen_ai.input.messages']);
    const output = asMessages(span.attributes['gen_ai.output.messages']);
    const inFps = input.map((m) => JSON.stringify(m));
    const isPrefix = transcript.length <= inFps.length && transcript.every((fp, i) => fp === inFps[i]);
    const fresh = isPrefix ? input.slice(transcript.length) : input.filter((_, i) => !seen.has(inFps[i]));
    for (const m of [...fresh, ...output]) {
      const t = recordMessage(b, m, span.start, model, tools);
      if (t) task ??= t;
    }
    transcript = [...inFps, ...output.map((m) => JSON.stringify(m))];
    transcript.forEach((fp) => seen.add(fp));
  }
  const first = spans[0];
  return b.build(
    { task, startedAt: first?.start, metadata: { provider: first?.attributes['gen_ai.provider.name'] ?? first?.attributes['gen_ai.system'] ?? null } },
    { outcome: 'unknown', endedAt: spans[spans.length - 1]?.end },
  );
}

const asMessages = (v: unknown): Json[] => {
  const parsed = jsonAttr(v);
  return Array.isArray(parsed) ? parsed.filter(isRecord) : [];
};

/** Records one GenAI message; returns the text when it is a user message (candidate task). */
function recordMessage(b: SessionBuilder, m: Json, ts: unknown, model: string | undefined, tools: ToolState): string | undefined {
  const role = str(m['role']);
  const parts = Array.isArray(m['parts']) ? m['parts'].filter(isRecord) : [{ type: 'text', content: textOf(m['content']) }];
  const text = parts.filter((p) => p['type'] === 'text').map((p) => textOf(p['content'])).join('\n').trim();
  if (role === 'user' && text) {
    b.userMessage(text, ts);
    return text;
  }
  if (role === 'assistant' && text) b.assistantMessage(text, ts, model);
  for (const p of parts) {
    if (p['type'] === 'tool_call') {
      const id = str(p['id']) ?? `call-${b.size}`;
      if (tools.calls.has(id)) continue;
      tools.calls.add(id);
      b.toolCall(id, str(p['name']) ?? 'unknown', parseArguments(jsonAttr(p['arguments'])), ts);
    } else if (p['type'] === 'tool_call_response') {
      const id = str(p['id']) ?? `result-${b.size}`;
      const output = textOf(p['response']);
      const slot = tools.results.get(id);
      if (slot && !slot.filled) {
        b.updateToolResult(slot.index, { output });
        slot.filled = true;
      } else if (!slot) {
        tools.results.set(id, { index: b.toolResult(id, undefined, output, false, ts), filled: true });
      }
    }
  }
  return undefined;
}

function executeTool(b: SessionBuilder, span: GenAiSpan, tools: ToolState): void {
  const a = span.attributes;
  const name = str(a['gen_ai.tool.name']) ?? (span.name.replace(/^execute_tool\s*/, '') || 'unknown');
  const id = str(a['gen_ai.tool.call.id']) ?? span.spanId ?? `tool-${b.size}`;
  if (!tools.calls.has(id)) {
    tools.calls.add(id);
    b.toolCall(id, name, parseArguments(jsonAttr(a['gen_ai.tool.call.arguments'])), span.start);
  }
  if (tools.results.has(id)) return;
  const result = a['gen_ai.tool.call.result'];
  const output = result !== undefined ? textOf(jsonAttr(result)) : span.isError ? span.statusMessage ?? str(a['error.type']) ?? 'error' : '';
  const index = b.toolResult(id, name, output, span.isError, span.end ?? span.start);
  tools.results.set(id, { index, filled: result !== undefined || span.isError });
}

/** OTLP/JSON file content, possibly one export request per line (collector file exporter). */
export function importOtelContent(ctx: ImportContext, content: string): FormatImport {
  let whole: unknown;
  try {
    whole = JSON.parse(content);
  } catch {
    const { lines, rejected } = readJsonl(ctx.file, content);
    const spans: GenAiSpan[] = [];
    for (const l of lines) {
      const s = collectSpans(l.value);
      if (s) spans.push(...s);
      else rejected.push({ file: ctx.file, line: l.line, reason: 'not an OTLP trace export (no resourceSpans)' });
    }
    if (lines.length === 0) throw new ImportError(ctx.file, 'not valid JSON or JSON Lines of OTLP trace exports');
    const result = importOtelSpans(ctx, spans);
    return { sessions: result.sessions, rejected: [...rejected, ...result.rejected] };
  }
  const spans = collectSpans(whole);
  if (!spans) throw new ImportError(ctx.file, 'not an OTLP/JSON trace export: expected resourceSpans[].scopeSpans[].spans[] or {spans: [...]}');
  return importOtelSpans(ctx, spans);
}

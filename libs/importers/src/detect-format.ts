import type { ImportFormat } from './import.types';
import { isRecord, type Json } from './import.util';

const CLAUDE_LINE_TYPES = new Set(['user', 'assistant', 'system', 'summary', 'progress', 'file-history-snapshot', 'queue-operation']);

const isClaudeLine = (v: unknown): boolean =>
  isRecord(v) && CLAUDE_LINE_TYPES.has(String(v['type'])) &&
  ('sessionId' in v || 'uuid' in v || 'messageId' in v || 'leafUuid' in v);

export interface Sniffed {
  format: ImportFormat;
  /** The parsed JSON document, when the whole content is one. */
  value?: unknown;
}

/** Which importer fits a file: by its content first, the file name only to break a tie. */
export function detectFormat(fileName: string, content: string): ImportFormat | undefined {
  return sniffFormat(fileName, content)?.format;
}

export function sniffFormat(fileName: string, content: string): Sniffed | undefined {
  if (!content.trim()) return undefined;
  try {
    const value: unknown = JSON.parse(content);
    const format = detectJson(fileName, value);
    return format ? { format, value } : undefined;
  } catch {
    const format = detectJsonLines(content);
    return format ? { format } : undefined;
  }
}

function detectJsonLines(content: string): ImportFormat | undefined {
  let checked = 0;
  for (const line of content.split('\n')) {
    if (!line.trim()) continue;
    if (++checked > 50) break;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      continue;
    }
    if (isRecord(v) && Array.isArray(v['resourceSpans'])) return 'otel';
    if (isClaudeLine(v)) return 'claude-code';
  }
  return undefined;
}

const hasAttributes = (v: unknown): boolean => isRecord(v) && (isRecord(v['attributes']) || Array.isArray(v['attributes']));

function detectJson(fileName: string, v: unknown): ImportFormat | undefined {
  if (isRecord(v)) {
    if (Array.isArray(v['resourceSpans'])) return 'otel';
    if (Array.isArray(v['spans']) && v['spans'].some(hasAttributes)) return 'otel';
    if (Array.isArray(v['trajectory'])) return 'swe-agent';
    if (Array.isArray(v['simulations'])) return 'tau2';
    if (Array.isArray(v['traj'])) return 'tau-bench';
    if (Array.isArray(v['messages']) && isTau2Simulation(v)) return 'tau2';
    if (isClaudeLine(v)) return 'claude-code';
    if (Array.isArray(v['messages'])) return chatFlavor(fileName, v['messages']);
    return undefined;
  }
  if (!Array.isArray(v) || v.length === 0) return undefined;
  const first = v.find(isRecord);
  if (!first) return undefined;
  if (Array.isArray(first['traj'])) return 'tau-bench';
  if (Array.isArray(first['messages']) && isTau2Simulation(first)) return 'tau2';
  if (typeof first['role'] === 'string') return chatFlavor(fileName, v);
  if (Array.isArray(first['messages'])) return chatFlavor(fileName, v.flatMap((c) => (isRecord(c) && Array.isArray(c['messages']) ? c['messages'] : [])));
  if (v.every(hasAttributes) && v.some((s) => isRecord(s) && typeof s['name'] === 'string')) return 'otel';
  return undefined;
}

const isTau2Simulation = (v: Json): boolean => 'task_id' in v && ('reward_info' in v || 'termination_reason' in v);

/** Anthropic and OpenAI message lists look alike; the block and role vocabulary tells them apart. */
function chatFlavor(fileName: string, messages: unknown[]): ImportFormat {
  for (const m of messages) {
    if (!isRecord(m)) continue;
    if (['tool', 'system', 'developer', 'function'].includes(String(m['role'])) || 'tool_calls' in m || 'function_call' in m) return 'openai';
    if (Array.isArray(m['content']) && m['content'].some((b) => isRecord(b) && ['tool_use', 'tool_result', 'thinking', 'redacted_thinking'].includes(String(b['type'])))) {
      return 'anthropic';
    }
  }
  return /anthropic|claude/i.test(fileName) ? 'anthropic' : 'openai';
}

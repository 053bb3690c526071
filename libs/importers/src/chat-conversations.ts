import { ImportError } from './import.error';
import type { ImportRejection } from './import.types';
import { isRecord, str, type Json } from './import.util';

/** One conversation found in a messages file, with the native id when it has one. */
export interface Conversation {
  index: number;
  nativeId?: string;
  messages: unknown[];
  model?: string;
}

const hasRole = (v: unknown): boolean => isRecord(v) && typeof v['role'] === 'string';

/**
 * Accepts `[message, ...]`, `{messages: [...]}` or `[{messages: [...]}, ...]` (several conversations).
 */
export function findConversations(file: string, value: unknown): { conversations: Conversation[]; rejected: ImportRejection[] } {
  const rejected: ImportRejection[] = [];
  const one = (obj: Json, index: number): Conversation => ({
    index,
    nativeId: str(obj['id']) ?? str(obj['session_id']) ?? str(obj['conversation_id']),
    messages: obj['messages'] as unknown[],
    model: str(obj['model']),
  });
  if (Array.isArray(value)) {
    if (value.length === 0 || value.some(hasRole)) return { conversations: [{ index: 0, messages: value }], rejected };
    const conversations: Conversation[] = [];
    value.forEach((item, i) => {
      if (isRecord(item) && Array.isArray(item['messages'])) conversations.push(one(item, i));
      else rejected.push({ file, reason: `item ${i}: not a conversation (no messages array)` });
    });
    return { conversations, rejected };
  }
  if (isRecord(value) && Array.isArray(value['messages'])) return { conversations: [one(value, 0)], rejected };
  throw new ImportError(file, 'expected a list of messages, {"messages": [...]} or a list of such objects');
}

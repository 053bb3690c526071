import { openAiSteps, recordChatSteps } from './chat-steps';
import { findConversations } from './chat-conversations';
import { newSession, type ImportContext } from './import.context';
import type { FormatImport } from './import.types';
import { baseName } from './import.util';

/**
 * OpenAI chat-completions message lists (tool_calls with JSON-string arguments, `tool` role
 * messages). A tool message starting with "Error" counts as an error result. No outcome: 'unknown'.
 */
export function importOpenAi(ctx: ImportContext, value: unknown): FormatImport {
  const { conversations, rejected } = findConversations(ctx.file, value);
  const sessions = conversations.map((c) => {
    const b = newSession(ctx, 'openai', c.nativeId ?? `${baseName(ctx.file)}-${c.index}`);
    const steps = openAiSteps(c.messages).map((s) => ({ ...s, model: s.model ?? (s.role === 'assistant' ? c.model : undefined) }));
    const { task } = recordChatSteps(b, steps);
    return b.build({ task }, { outcome: 'unknown' });
  });
  return { sessions, rejected };
}

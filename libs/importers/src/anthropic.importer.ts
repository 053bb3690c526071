import { anthropicSteps, recordChatSteps } from './chat-steps';
import { findConversations } from './chat-conversations';
import { newSession, type ImportContext } from './import.context';
import type { FormatImport } from './import.types';
import { baseName } from './import.util';

/** Anthropic Messages API message lists. They carry no outcome, so every session ends 'unknown'. */
export function importAnthropic(ctx: ImportContext, value: unknown): FormatImport {
  const { conversations, rejected } = findConversations(ctx.file, value);
  const sessions = conversations.map((c) => {
    const b = newSession(ctx, 'anthropic', c.nativeId ?? `${baseName(ctx.file)}-${c.index}`);
    const steps = anthropicSteps(c.messages).map((s) => ({ ...s, model: s.role === 'assistant' ? c.model : undefined }));
    const { task } = recordChatSteps(b, steps);
    return b.build({ task }, { outcome: 'unknown' });
  });
  return { sessions, rejected };
}

import type { SessionBuilder } from './session.builder';
import { isRecord, str, textOf, type Json } from './import.util';

/** One turn of a chat transcript, in a shape every chat-like format maps onto. */
export interface ChatStep {
  role: 'user' | 'assistant' | 'tool' | 'system';
  text?: string;
  toolCalls?: { id: string; name: string; input: unknown; byUser?: boolean }[];
  toolResult?: { id: string; name?: string; output: string; isError: boolean; byUser?: boolean };
  ts?: unknown;
  model?: string;
}

/**
 * Record chat steps into a session. System messages are not recorded (they are configuration,
 * not conversation). Returns the first user message as the session's task.
 */
export function recordChatSteps(b: SessionBuilder, steps: ChatStep[]): { task?: string } {
  const names = new Map<string, string>();
  let task: string | undefined;
  for (const step of steps) {
    const text = step.text?.trim();
    if (step.role === 'user' && text) {
      b.userMessage(text, step.ts);
      task ??= text;
    } else if (step.role === 'assistant' && text) {
      b.assistantMessage(text, step.ts, step.model);
    }
    for (const call of step.toolCalls ?? []) {
      names.set(call.id, call.name);
      b.toolCall(call.id, call.name, call.input, step.ts, call.byUser);
    }
    const r = step.toolResult;
    if (r) b.toolResult(r.id, r.name ?? names.get(r.id), r.output, r.isError, step.ts, r.byUser);
  }
  return { task };
}

/** Tool arguments given as a JSON string (OpenAI) are parsed; unparseable ones are kept raw. */
export function parseArguments(args: unknown): unknown {
  if (typeof args !== 'string') return args ?? {};
  try {
    return JSON.parse(args);
  } catch {
    return { raw: args };
  }
}

const ERROR_PREFIX = /^\s*Error\b[:\s]/;

/** OpenAI chat-completions messages (also τ-bench's `traj`): tool errors are tool messages starting with "Error:". */
export function openAiSteps(messages: unknown[]): ChatStep[] {
  const steps: ChatStep[] = [];
  messages.forEach((m, i) => {
    if (!isRecord(m)) return;
    const role = str(m['role']);
    const text = textOf(m['content']);
    if (role === 'system' || role === 'developer') return;
    if (role === 'tool') {
      const id = str(m['tool_call_id']) ?? `tool-${i}`;
      steps.push({ role: 'tool', toolResult: { id, name: str(m['name']), output: text, isError: ERROR_PREFIX.test(text) } });
      return;
    }
    if (role !== 'user' && role !== 'assistant') return;
    const calls = Array.isArray(m['tool_calls']) ? m['tool_calls'] : [];
    steps.push({
      role,
      text,
      model: str(m['model']),
      toolCalls: calls.filter(isRecord).map((c, j) => {
        const fn = isRecord(c['function']) ? c['function'] : {};
        return { id: str(c['id']) ?? `call-${i}-${j}`, name: str(fn['name']) ?? 'unknown', input: parseArguments(fn['arguments']) };
      }),
    });
  });
  return steps;
}

/** Anthropic Messages API: content is a string or text / tool_use / tool_result blocks. */
export function anthropicSteps(messages: unknown[]): ChatStep[] {
  const steps: ChatStep[] = [];
  messages.forEach((m, i) => {
    if (!isRecord(m)) return;
    const role = str(m['role']);
    if (role !== 'user' && role !== 'assistant') return;
    const content = m['content'];
    if (typeof content === 'string') {
      steps.push({ role, text: content });
      return;
    }
    if (!Array.isArray(content)) return;
    const texts: string[] = [];
    const calls: NonNullable<ChatStep['toolCalls']> = [];
    const flushText = () => {
      if (texts.length) steps.push({ role, text: texts.splice(0).join('\n\n') });
    };
    content.forEach((block: unknown, j) => {
      if (!isRecord(block)) return;
      const type = block['type'];
      if (type === 'text') texts.push(str(block['text']) ?? '');
      else if (type === 'tool_use') {
        calls.push({ id: str(block['id']) ?? `call-${i}-${j}`, name: str(block['name']) ?? 'unknown', input: block['input'] });
      } else if (type === 'tool_result') {
        flushText();
        const id = str(block['tool_use_id']) ?? `result-${i}-${j}`;
        steps.push({ role: 'tool', toolResult: { id, output: textOf(block['content']), isError: block['is_error'] === true } });
      }
    });
    flushText();
    if (calls.length) steps.push({ role, toolCalls: calls });
  });
  return steps;
}

/** τ²-bench messages: tool calls carry `arguments` as an object and a `requestor`; tool messages an `error` flag. */
export function tau2Steps(messages: unknown[]): ChatStep[] {
  const steps: ChatStep[] = [];
  const pushMessage = (m: Json, i: number) => {
    const role = str(m['role']);
    if (role === 'tool') {
      const id = str(m['id']) || str(m['tool_call_id']) || `tool-${i}`;
      steps.push({
        role: 'tool',
        ts: m['timestamp'],
        toolResult: { id, output: textOf(m['content']), isError: m['error'] === true, byUser: m['requestor'] === 'user' },
      });
      return;
    }
    if (role !== 'user' && role !== 'assistant') return;
    const calls = Array.isArray(m['tool_calls']) ? m['tool_calls'] : [];
    steps.push({
      role,
      text: textOf(m['content']),
      ts: m['timestamp'],
      toolCalls: calls.filter(isRecord).map((c, j) => ({
        id: str(c['id']) || `call-${i}-${j}`,
        name: str(c['name']) ?? 'unknown',
        input: parseArguments(c['arguments']),
        byUser: (c['requestor'] ?? role) === 'user',
      })),
    });
  };
  messages.forEach((m, i) => {
    if (!isRecord(m)) return;
    // MultiToolMessage: several tool results in one message.
    if (Array.isArray(m['tool_messages'])) m['tool_messages'].filter(isRecord).forEach((t) => pushMessage(t, i));
    else pushMessage(m, i);
  });
  return steps;
}

import type { SessionOutcome } from '@reverie/contracts';
import { importContext, newSession } from './import.context';
import type { ImportedSession, ImportOptions } from './import.types';

/** What Reverie reads of a Managed Agents session (`client.beta.sessions.retrieve/list`). */
export interface ManagedAgentsSession {
  id: string;
  status: string;
  title?: string | null;
  created_at: string;
  updated_at?: string;
  agent?: { id?: string; name?: string | null } | null;
  metadata?: Record<string, string> | null;
}

/** One event of its log (`client.beta.sessions.events.list`): only the fields read here. */
export interface ManagedAgentsEvent {
  id: string;
  type: string;
  processed_at?: string | null;
  content?: unknown;
  name?: string;
  input?: unknown;
  tool_use_id?: string;
  mcp_tool_use_id?: string;
  mcp_server_name?: string;
  is_error?: boolean | null;
  error?: { type?: string; message?: string } | null;
  stop_reason?: { type?: string } | null;
}

/** A session is finished, and worth dreaming over, once it is idle or terminated (not while it runs). */
export const isFinished = (s: Pick<ManagedAgentsSession, 'status'>): boolean => s.status === 'idle' || s.status === 'terminated';

const text = (content: unknown): string => (Array.isArray(content)
  ? content.map((b: { type?: string; text?: string }) => (b?.type === 'text' && typeof b.text === 'string' ? b.text : b?.type ? `[${b.type}]` : '')).filter(Boolean).join('\n')
  : typeof content === 'string' ? content : '');

/**
 * A Managed Agents session and its events as Reverie session events: user and agent messages,
 * tool and MCP tool calls with their results (errors kept as errors), interrupts as feedback; the
 * outcome is `failure` when the session ended on an error, `abandoned` when it was terminated
 * otherwise, `unknown` when it went idle (Managed Agents does not say whether the task succeeded).
 */
export function importManagedAgentsSession(session: ManagedAgentsSession, events: readonly ManagedAgentsEvent[], options: ImportOptions): ImportedSession {
  // The agent is the caller's, else the Managed Agents agent's own id (the format name is then never the default).
  const agentId = options.agentId ?? (session.agent?.id ? session.agent.id.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 128) : 'managed-agents');
  const b = newSession(importContext(`managed-agents:${session.id}`, 'anthropic', { ...options, agentId }), 'managed-agents', session.id);
  const tools = new Map<string, string>();
  let task: string | undefined;
  let failed: string | undefined;
  let terminated = false;
  for (const e of events) {
    const ts = e.processed_at ?? undefined;
    switch (e.type) {
      case 'user.message': {
        const t = text(e.content);
        task ??= t || undefined;
        b.userMessage(t, ts);
        break;
      }
      case 'agent.message':
        b.assistantMessage(text(e.content), ts);
        break;
      case 'agent.tool_use':
      case 'agent.custom_tool_use':
        tools.set(e.id, e.name ?? 'tool');
        b.toolCall(e.id, e.name ?? 'tool', e.input ?? {}, ts);
        break;
      case 'agent.mcp_tool_use': {
        const name = `mcp__${e.mcp_server_name ?? 'server'}__${e.name ?? 'tool'}`;
        tools.set(e.id, name);
        b.toolCall(e.id, name, e.input ?? {}, ts);
        break;
      }
      case 'agent.tool_result':
      case 'user.custom_tool_result':
      case 'user.tool_result': {
        const id = e.tool_use_id ?? '';
        b.toolResult(id, tools.get(id), text(e.content), e.is_error === true, ts);
        break;
      }
      case 'agent.mcp_tool_result': {
        const id = e.mcp_tool_use_id ?? '';
        b.toolResult(id, tools.get(id), text(e.content), e.is_error === true, ts);
        break;
      }
      case 'user.interrupt':
        b.feedback('interrupted', { ts });
        break;
      case 'session.error':
        failed = e.error?.message ?? e.error?.type ?? 'session error';
        break;
      case 'session.status_terminated':
        terminated = true;
        break;
      default:
        break; // thinking, spans, status changes, usage: not what a lesson is learned from
    }
  }
  const outcome: SessionOutcome = failed ? 'failure' : terminated || session.status === 'terminated' ? 'abandoned' : 'unknown';
  return b.build(
    { title: session.title ?? undefined, task, startedAt: session.created_at, metadata: { managedAgentsAgent: session.agent?.name ?? session.agent?.id ?? '' } },
    { outcome, ...(failed && { reason: failed.slice(0, 500) }), endedAt: session.updated_at },
  );
}

import { deterministicId, SUBJECT_TOKEN } from '@reverie/contracts';
import type { Actor, FeedbackKind, SessionEvent, SessionEventType, SessionOutcome, SessionSource } from '@reverie/contracts';
import type { ImportedSession } from './import.types';
import { clip, toIso } from './import.util';

const FALLBACK_EPOCH = '1970-01-01T00:00:00.000Z';
const MAX_TEXT = 1_000_000;

export interface BuilderContext {
  tenantId: string;
  source: SessionSource;
  sessionId: string;
  agentId: string;
  userId?: string;
  now?: string;
}

export interface SessionStart {
  title?: string;
  task?: string;
  parentSessionId?: string;
  startedAt?: unknown;
  metadata?: Record<string, unknown>;
}

export interface SessionEnd {
  outcome: SessionOutcome;
  reward?: number;
  reason?: string;
  endedAt?: unknown;
}

interface Item {
  type: Exclude<SessionEventType, 'SessionStarted' | 'SessionEnded'>;
  data: Record<string, unknown>;
  actor: Actor;
  ts?: unknown;
}

/**
 * Collects one session's steps in order, then stamps seq, ids and timestamps in `build`.
 * Event ids come from (tenant, source, session, seq, type), so the same input always gives the
 * same ids and a re-import is deduplicated downstream.
 */
export class SessionBuilder {
  private readonly items: Item[] = [];
  private readonly agent: Actor;
  private readonly user: Actor;

  constructor(readonly ctx: BuilderContext) {
    if (!SUBJECT_TOKEN.test(ctx.sessionId)) throw new Error(`session id ${ctx.sessionId} is not a subject token`);
    this.agent = { kind: 'agent', id: ctx.agentId };
    this.user = { kind: 'user', id: ctx.userId ?? 'user' };
  }

  get sessionId(): string {
    return this.ctx.sessionId;
  }

  get size(): number {
    return this.items.length;
  }

  lastType(): Item['type'] | undefined {
    return this.items[this.items.length - 1]?.type;
  }

  userMessage(text: string, ts?: unknown, actor?: Actor): number {
    const data: Record<string, unknown> = { text: clip(text, MAX_TEXT) };
    if (this.ctx.userId && !actor) data['userId'] = this.ctx.userId;
    return this.push({ type: 'UserMessageRecorded', data, actor: actor ?? this.user, ts });
  }

  assistantMessage(text: string, ts?: unknown, model?: string): number {
    const data: Record<string, unknown> = { text: clip(text, MAX_TEXT) };
    if (model) data['model'] = clip(model, 200);
    return this.push({ type: 'AssistantMessageRecorded', data, actor: this.agent, ts });
  }

  /** Append text to an assistant message already collected (one API response split over lines). */
  appendAssistantText(index: number, text: string): void {
    const item = this.items[index];
    if (item?.type !== 'AssistantMessageRecorded') throw new Error(`item ${index} is not an assistant message`);
    item.data['text'] = clip(`${item.data['text'] as string}\n\n${text}`, MAX_TEXT);
  }

  toolCall(toolCallId: string, toolName: string, input: unknown, ts?: unknown, byUser = false): number {
    return this.push({
      type: 'ToolCallRecorded',
      data: { toolCallId: clip(toolCallId, 200), toolName: clip(toolName || 'unknown', 200), input: input ?? {} },
      actor: byUser ? this.user : this.agent,
      ts,
    });
  }

  toolResult(toolCallId: string, toolName: string | undefined, output: string, isError: boolean, ts?: unknown, byUser = false): number {
    const data: Record<string, unknown> = { toolCallId: clip(toolCallId, 200), output: clip(output, MAX_TEXT), isError };
    if (toolName) data['toolName'] = clip(toolName, 200);
    return this.push({ type: 'ToolResultRecorded', data, actor: byUser ? this.user : this.agent, ts });
  }

  /** Fill in a tool result collected earlier, once its output is known. */
  updateToolResult(index: number, patch: { output?: string; isError?: boolean }): void {
    const item = this.items[index];
    if (item?.type !== 'ToolResultRecorded') throw new Error(`item ${index} is not a tool result`);
    if (patch.output !== undefined) item.data['output'] = clip(patch.output, MAX_TEXT);
    if (patch.isError !== undefined) item.data['isError'] = patch.isError;
  }

  feedback(kind: FeedbackKind, opts: { toolCallId?: string; text?: string; ts?: unknown } = {}): number {
    const data: Record<string, unknown> = { kind };
    if (opts.toolCallId) data['toolCallId'] = clip(opts.toolCallId, 200);
    if (opts.text) data['text'] = clip(opts.text, 100_000);
    if (this.ctx.userId) data['userId'] = this.ctx.userId;
    return this.push({ type: 'FeedbackRecorded', data, actor: this.user, ts: opts.ts });
  }

  compaction(trigger: string | undefined, preTokens: number | undefined, ts?: unknown): number {
    const data: Record<string, unknown> = {};
    if (trigger) data['trigger'] = clip(trigger, 100);
    if (preTokens !== undefined && Number.isInteger(preTokens) && preTokens >= 0) data['preTokens'] = preTokens;
    return this.push({ type: 'CompactionRecorded', data, actor: { kind: 'system', id: this.ctx.agentId }, ts });
  }

  build(start: SessionStart, end: SessionEnd): ImportedSession {
    const { tenantId, source, sessionId, now } = this.ctx;
    const base = Date.parse(toIso(now) ?? FALLBACK_EPOCH);
    const firstSourceTs = this.items.map((i) => toIso(i.ts)).find((t) => t !== undefined);
    let cursor = Date.parse(toIso(start.startedAt) ?? firstSourceTs ?? new Date(base).toISOString());
    const events: SessionEvent[] = [];

    const envelope = (seq: number, type: SessionEventType, actor: Actor, occurredMs: number) => {
      const occurredAt = new Date(occurredMs).toISOString();
      return {
        id: deterministicId(tenantId, source, sessionId, String(seq), type),
        type,
        schemaVersion: 1,
        tenantId,
        streamId: sessionId,
        occurredAt,
        recordedAt: toIso(now) ?? occurredAt,
        actor,
        correlationId: sessionId,
      };
    };

    const startData: Record<string, unknown> = {
      seq: 0, agentId: this.ctx.agentId, source, startedAt: new Date(cursor).toISOString(),
    };
    if (this.ctx.userId) startData['userId'] = clip(this.ctx.userId, 256);
    if (start.title) startData['title'] = clip(start.title, 2000);
    if (start.task) startData['task'] = clip(start.task, 100_000);
    if (start.parentSessionId) startData['parentSessionId'] = start.parentSessionId;
    if (start.metadata && Object.keys(start.metadata).length) startData['metadata'] = start.metadata;
    events.push({ ...envelope(0, 'SessionStarted', this.agent, cursor), data: startData } as SessionEvent);

    this.items.forEach((item, i) => {
      const ts = toIso(item.ts);
      cursor = ts ? Date.parse(ts) : cursor + 1;
      events.push({ ...envelope(i + 1, item.type, item.actor, cursor), data: { seq: i + 1, ...item.data } } as SessionEvent);
    });

    const endSeq = this.items.length + 1;
    const endTs = toIso(end.endedAt);
    cursor = endTs ? Math.max(Date.parse(endTs), cursor) : cursor + 1;
    const endData: Record<string, unknown> = { seq: endSeq, outcome: end.outcome };
    if (end.reward !== undefined && Number.isFinite(end.reward)) endData['reward'] = end.reward;
    if (end.reason) endData['reason'] = clip(end.reason, 10_000);
    events.push({ ...envelope(endSeq, 'SessionEnded', this.agent, cursor), data: endData } as SessionEvent);

    return { sessionId, events, stats: this.stats(end.outcome) };
  }

  private stats(outcome: SessionOutcome): ImportedSession['stats'] {
    let messages = 0, toolCalls = 0, toolErrors = 0;
    for (const i of this.items) {
      if (i.type === 'UserMessageRecorded' || i.type === 'AssistantMessageRecorded') messages++;
      else if (i.type === 'ToolCallRecorded') toolCalls++;
      else if (i.type === 'ToolResultRecorded' && i.data['isError'] === true) toolErrors++;
    }
    return { messages, toolCalls, toolErrors, outcome };
  }

  private push(item: Item): number {
    this.items.push(item);
    return this.items.length - 1;
  }
}

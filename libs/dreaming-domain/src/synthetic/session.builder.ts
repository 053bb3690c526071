import type { FeedbackKind, SessionEvent, SessionOutcome } from '@reverie/contracts';

/** Builds the valid `SessionEvent`s of one synthetic session, with deterministic ids and times. */
export class SessionBuilder {
  readonly events: SessionEvent[] = [];
  private seq = 0;
  private calls = 0;
  constructor(
    readonly tenantId: string,
    readonly sessionId: string,
    readonly agentId: string,
    readonly userId: string,
    private readonly startMs: number,
  ) {}

  private envelope(actor: { kind: 'agent' | 'user' | 'service'; id: string }) {
    const seq = this.seq++;
    const at = new Date(this.startMs + seq * 4000).toISOString();
    return {
      id: `${this.sessionId}-e${seq}`, schemaVersion: 1, tenantId: this.tenantId, streamId: this.sessionId,
      occurredAt: at, recordedAt: at, actor, correlationId: this.sessionId, seq,
    };
  }

  start(task: string): this {
    const { seq, ...env } = this.envelope({ kind: 'service', id: 'synthetic' });
    this.events.push({ ...env, type: 'SessionStarted', data: { seq, agentId: this.agentId, userId: this.userId, source: 'native', task, startedAt: env.occurredAt } });
    return this.user(task);
  }

  user(text: string, userId = this.userId): this {
    const { seq, ...env } = this.envelope({ kind: 'user', id: userId });
    this.events.push({ ...env, type: 'UserMessageRecorded', data: { seq, text, userId } });
    return this;
  }

  assistant(text: string): this {
    const { seq, ...env } = this.envelope({ kind: 'agent', id: this.agentId });
    this.events.push({ ...env, type: 'AssistantMessageRecorded', data: { seq, text, model: 'synthetic-1' } });
    return this;
  }

  /** A tool call and its result; returns the call id. */
  tool(toolName: string, input: unknown, output: string, isError = false): string {
    const toolCallId = `call_${this.sessionId}_${this.calls++}`;
    const call = this.envelope({ kind: 'agent', id: this.agentId });
    this.events.push({ ...stripSeq(call), type: 'ToolCallRecorded', data: { seq: call.seq, toolCallId, toolName, input } });
    const res = this.envelope({ kind: 'service', id: toolName });
    this.events.push({ ...stripSeq(res), type: 'ToolResultRecorded', data: { seq: res.seq, toolCallId, toolName, output, isError } });
    return toolCallId;
  }

  feedback(kind: FeedbackKind, toolCallId?: string, text?: string): this {
    const { seq, ...env } = this.envelope({ kind: 'user', id: this.userId });
    this.events.push({ ...env, type: 'FeedbackRecorded', data: { seq, kind, userId: this.userId, ...(toolCallId ? { toolCallId } : {}), ...(text ? { text } : {}) } });
    return this;
  }

  end(outcome: SessionOutcome): SessionEvent[] {
    const { seq, ...env } = this.envelope({ kind: 'service', id: 'synthetic' });
    this.events.push({ ...env, type: 'SessionEnded', data: { seq, outcome } });
    return this.events;
  }

  get length(): number {
    return this.events.length;
  }
}

function stripSeq<T extends { seq: number }>(e: T): Omit<T, 'seq'> {
  const { seq: _seq, ...rest } = e;
  return rest;
}

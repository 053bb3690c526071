import { z } from 'zod';
import { eventSchema, isoDateTime, subjectToken } from './envelope';

/**
 * SESSIONS stream: one aggregate per agent session, subject `sessions.<tenant>.<sessionId>`.
 * Every event's `data.seq` is its position in the session (0-based), so a session can be read
 * back in order even when it was ingested in several batches.
 */
const seq = z.number().int().nonnegative();

export const SessionSource = z.enum([
  'native', 'claude-code', 'anthropic', 'openai', 'tau-bench', 'tau2', 'swe-agent', 'otel', 'specstory', 'mini-swe-agent', 'managed-agents',
]);
export type SessionSource = z.infer<typeof SessionSource>;

export const SessionOutcome = z.enum(['success', 'failure', 'abandoned', 'unknown']);
export type SessionOutcome = z.infer<typeof SessionOutcome>;

export const sessionStartedData = z.object({
  seq,
  agentId: subjectToken('agentId'),
  userId: z.string().min(1).max(256).optional(),
  source: SessionSource,
  title: z.string().max(2000).optional(),
  /** The first task prompt, when the source has one. */
  task: z.string().max(100_000).optional(),
  parentSessionId: subjectToken('parentSessionId').optional(),
  startedAt: isoDateTime,
  metadata: z.record(z.string(), z.unknown()).optional(),
});

export const userMessageRecordedData = z.object({
  seq,
  text: z.string().max(1_000_000),
  userId: z.string().min(1).max(256).optional(),
});

export const assistantMessageRecordedData = z.object({
  seq,
  text: z.string().max(1_000_000),
  model: z.string().max(200).optional(),
});

export const toolCallRecordedData = z.object({
  seq,
  toolCallId: z.string().min(1).max(200),
  toolName: z.string().min(1).max(200),
  input: z.unknown(),
});

export const toolResultRecordedData = z.object({
  seq,
  toolCallId: z.string().min(1).max(200),
  toolName: z.string().max(200).optional(),
  output: z.string().max(1_000_000),
  isError: z.boolean(),
});

export const FeedbackKind = z.enum(['rejected_tool_call', 'interrupted', 'thumbs_up', 'thumbs_down', 'comment']);
export type FeedbackKind = z.infer<typeof FeedbackKind>;

export const feedbackRecordedData = z.object({
  seq,
  kind: FeedbackKind,
  toolCallId: z.string().min(1).max(200).optional(),
  text: z.string().max(100_000).optional(),
  userId: z.string().min(1).max(256).optional(),
});

export const compactionRecordedData = z.object({
  seq,
  trigger: z.string().max(100).optional(),
  preTokens: z.number().int().nonnegative().optional(),
});

export const sessionEndedData = z.object({
  seq,
  outcome: SessionOutcome,
  reward: z.number().optional(),
  reason: z.string().max(10_000).optional(),
});

export const SessionStarted = eventSchema('SessionStarted', sessionStartedData);
export const UserMessageRecorded = eventSchema('UserMessageRecorded', userMessageRecordedData);
export const AssistantMessageRecorded = eventSchema('AssistantMessageRecorded', assistantMessageRecordedData);
export const ToolCallRecorded = eventSchema('ToolCallRecorded', toolCallRecordedData);
export const ToolResultRecorded = eventSchema('ToolResultRecorded', toolResultRecordedData);
export const FeedbackRecorded = eventSchema('FeedbackRecorded', feedbackRecordedData);
export const CompactionRecorded = eventSchema('CompactionRecorded', compactionRecordedData);
export const SessionEnded = eventSchema('SessionEnded', sessionEndedData);

export const sessionEventSchema = z.discriminatedUnion('type', [
  SessionStarted, UserMessageRecorded, AssistantMessageRecorded, ToolCallRecorded,
  ToolResultRecorded, FeedbackRecorded, CompactionRecorded, SessionEnded,
]);
export type SessionEvent = z.infer<typeof sessionEventSchema>;
export type SessionEventType = SessionEvent['type'];
export const SESSION_EVENT_TYPES = sessionEventSchema.options.map((o) => o.shape.type.value) as SessionEventType[];
export type SessionEventOf<T extends SessionEventType> = Extract<SessionEvent, { type: T }>;

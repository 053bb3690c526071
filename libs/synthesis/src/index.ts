export { createClaudeWriter, DEFAULT_MODEL, type ClaudeWriterOptions } from './claude-writer';
export { createLessonWriter, DEFAULT_TOKEN_BUDGET, type LessonWriterEnv } from './lesson-writer.factory';
export {
  estimateNaiveTokens,
  estimatePrefixTokens,
  estimateTokens,
  RECORD_LESSONS_TOOL,
  RECORD_LESSONS_INPUT_SCHEMA,
  MAX_LESSON_TEXT_CHARS,
  MAX_RATIONALE_CHARS,
  PROMPT_CACHE_MIN_TOKENS,
  SHARED_PREFIX_MIN_TOKENS,
  SYSTEM_INSTRUCTIONS,
  UNTRUSTED_FACT_KEYS,
} from './lesson-prompt';
export { checkLessonText, type GuardVerdict } from './lesson-text.guard';
export { recordLessonsInputSchema, type RecordLessonsInput } from './lesson-output.schema';
// Test support for other libs' and apps' tests: a loopback fake of the Messages and Batches API.
export {
  startFakeAnthropic,
  echoLessons,
  type FakeAnthropicServer,
  type FakeStep,
  type MessagesParams,
  type ProcessedMessages,
  type RecordedRequest,
} from './testing/fake-anthropic.server';

export { createClaudeWriter, DEFAULT_MODEL, type ClaudeWriterOptions } from './claude-writer';
export { createLessonWriter, DEFAULT_TOKEN_BUDGET, type LessonWriterEnv } from './lesson-writer.factory';
export {
  estimateNaiveTokens,
  estimateTokens,
  RECORD_LESSONS_TOOL,
  RECORD_LESSONS_INPUT_SCHEMA,
  MAX_LESSON_TEXT_CHARS,
  SYSTEM_INSTRUCTIONS,
} from './lesson-prompt';
export { checkLessonText, type GuardVerdict } from './lesson-text.guard';
export { recordLessonsInputSchema, type RecordLessonsInput } from './lesson-output.schema';

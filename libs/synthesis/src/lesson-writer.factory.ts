import type { LessonWriter } from '@reverie/contracts';
import { createClaudeWriter, type ClaudeWriterOptions } from './claude-writer';

export interface LessonWriterEnv {
  ANTHROPIC_API_KEY?: string;
  ANTHROPIC_BASE_URL?: string;
  REVERIE_LLM_MODEL?: string;
  REVERIE_LLM_TOKEN_BUDGET?: string;
}

export const DEFAULT_TOKEN_BUDGET = 200_000;

/**
 * The writer a dream uses: the template writer when no ANTHROPIC_API_KEY is set, otherwise Claude
 * with the template writer as fallback. Bad configuration fails here, at start-up, naming the variable.
 */
export function createLessonWriter(
  env: LessonWriterEnv,
  templateWriter: LessonWriter,
  extra: Omit<Partial<ClaudeWriterOptions>, 'apiKey' | 'tokenBudget'> = {},
): LessonWriter {
  const apiKey = env.ANTHROPIC_API_KEY?.trim();
  if (!apiKey) return templateWriter;
  return createClaudeWriter(
    {
      ...extra,
      apiKey,
      baseURL: env.ANTHROPIC_BASE_URL?.trim() || extra.baseURL,
      model: env.REVERIE_LLM_MODEL?.trim() || extra.model,
      tokenBudget: parseBudget(env.REVERIE_LLM_TOKEN_BUDGET),
    },
    templateWriter,
  );
}

function parseBudget(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return DEFAULT_TOKEN_BUDGET;
  const n = Number(raw.trim().replace(/_/g, ''));
  if (!Number.isInteger(n) || n <= 0) {
    throw new Error(`REVERIE_LLM_TOKEN_BUDGET must be a positive integer (tokens per dream), got "${raw}"`);
  }
  return n;
}

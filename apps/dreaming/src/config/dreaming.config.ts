import { z } from 'zod';
import { resolveThresholds, type DreamThresholds } from '@reverie/dreaming-domain';
import { commonConfigSchema, ConfigError, loadConfig } from '@reverie/service-kit';

const nonNegativeInt = (what: string) =>
  z.coerce.number({ error: `expected ${what}` }).int(`expected a whole number (${what})`).min(0, `expected ${what} >= 0`);

/** The dreaming service's variables: the common ones plus triggers, thresholds and the lesson writer. */
export const dreamingConfigSchema = commonConfigSchema('dreaming').extend({
  /** Dream automatically once this many new sessions arrived for a tenant (0 = off). */
  REVERIE_DREAM_EVERY_SESSIONS: nonNegativeInt('a number of sessions').default(0),
  /** Dream every tenant with new session events on this period (0 = off). */
  REVERIE_DREAM_INTERVAL_SECONDS: nonNegativeInt('a number of seconds').default(0),
  /** A dream claim older than this is taken as abandoned (its process died) and may be replaced. */
  REVERIE_DREAM_STALE_SECONDS: z.coerce.number({ error: 'expected a number of seconds' }).int().min(10, 'expected at least 10 seconds').default(900),
  /** Partial DreamThresholds as JSON, e.g. {"minSessions":3,"maxProposalsPerDream":20}. */
  REVERIE_DREAM_THRESHOLDS: z.string().optional(),
  ANTHROPIC_API_KEY: z.string().optional(),
  ANTHROPIC_BASE_URL: z.url({ error: 'expected an http(s):// URL' }).optional(),
  REVERIE_LLM_MODEL: z.string().min(1).optional(),
  REVERIE_LLM_TOKEN_BUDGET: z.string().regex(/^[0-9_]+$/, 'expected a positive integer (tokens per dream)').optional(),
});

export type DreamingEnv = z.infer<typeof dreamingConfigSchema>;
export interface DreamingConfig extends DreamingEnv {
  thresholds: DreamThresholds;
}

export const DREAMING_CONFIG = Symbol('DREAMING_CONFIG');

/** Reads and checks the environment once, at start-up; a bad variable fails with its name. */
export function loadDreamingConfig(env: NodeJS.ProcessEnv = process.env): DreamingConfig {
  const parsed = loadConfig(dreamingConfigSchema, env);
  return { ...parsed, thresholds: parseThresholds(parsed.REVERIE_DREAM_THRESHOLDS) };
}

export function parseThresholds(raw: string | undefined): DreamThresholds {
  if (raw === undefined) return resolveThresholds();
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    throw new ConfigError([{ variable: 'REVERIE_DREAM_THRESHOLDS', message: `expected a JSON object: ${(err as Error).message}` }]);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError([{ variable: 'REVERIE_DREAM_THRESHOLDS', message: 'expected a JSON object of thresholds' }]);
  }
  const known = Object.keys(resolveThresholds());
  const unknown = Object.keys(value).filter((k) => !known.includes(k));
  if (unknown.length) {
    throw new ConfigError([{ variable: 'REVERIE_DREAM_THRESHOLDS', message: `unknown threshold(s) ${unknown.join(', ')}; known: ${known.join(', ')}` }]);
  }
  try {
    return resolveThresholds(value as Partial<DreamThresholds>);
  } catch (err) {
    throw new ConfigError([{ variable: 'REVERIE_DREAM_THRESHOLDS', message: (err as Error).message }]);
  }
}

import { z } from 'zod';
import { commonConfigSchema, loadConfig } from '@reverie/service-kit';

export const SERVICE = 'lesson-governance' as const;

/**
 * The common variables (REVERIE_API_KEYS among them) plus the decision retries. There is no
 * default tenant: the tenant of every request is the verified credential's.
 */
export const governanceConfigSchema = commonConfigSchema(SERVICE).extend({
  /** How many times a decision is re-read and re-decided after losing a concurrent append, before answering 409. */
  GOVERNANCE_DECISION_RETRIES: z.coerce.number({ error: 'expected a whole number' }).int('expected a whole number').min(0).max(20).default(3),
  /** How often governance promotes canaries whose period is over and expires lessons past their review-by date (0: never). */
  GOVERNANCE_CLOCK_SECONDS: z.coerce.number({ error: 'expected seconds' }).min(0).max(86_400).default(30),
  /** Where the reviewer console's built files are (`npm run build` writes them); served under /console. */
  REVERIE_CONSOLE_DIR: z.string().min(1).default('dist/console'),
  /** The other services as a reviewer's browser reaches them: what the console calls. */
  REVERIE_INGEST_URL: z.url({ error: 'expected an http(s):// URL' }).default('http://localhost:4101'),
  REVERIE_DREAMING_URL: z.url({ error: 'expected an http(s):// URL' }).default('http://localhost:4102'),
  REVERIE_SERVING_URL: z.url({ error: 'expected an http(s):// URL' }).default('http://localhost:4104'),
});
export type GovernanceConfig = z.infer<typeof governanceConfigSchema>;

export const loadGovernanceConfig = (env: NodeJS.ProcessEnv = process.env): GovernanceConfig =>
  loadConfig(governanceConfigSchema, env);

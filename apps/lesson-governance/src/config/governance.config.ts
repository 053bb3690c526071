import { z } from 'zod';
import { SUBJECT_TOKEN } from '@reverie/contracts';
import { commonConfigSchema, loadConfig } from '@reverie/service-kit';

export const SERVICE = 'lesson-governance' as const;

export const governanceConfigSchema = commonConfigSchema(SERVICE).extend({
  /** Tenant used when a request has no `x-reverie-tenant` header; unset means the header is required. */
  REVERIE_DEFAULT_TENANT: z.string().regex(SUBJECT_TOKEN, 'expected 1-128 characters of A-Z a-z 0-9 _ -').optional(),
  /** How many times a decision is re-read and re-decided after losing a concurrent append, before answering 409. */
  GOVERNANCE_DECISION_RETRIES: z.coerce.number({ error: 'expected a whole number' }).int('expected a whole number').min(0).max(20).default(3),
});
export type GovernanceConfig = z.infer<typeof governanceConfigSchema>;

export const loadGovernanceConfig = (env: NodeJS.ProcessEnv = process.env): GovernanceConfig =>
  loadConfig(governanceConfigSchema, env);

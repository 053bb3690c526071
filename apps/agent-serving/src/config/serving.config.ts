import { z } from 'zod';
import { SUBJECT_TOKEN } from '@reverie/contracts';
import { commonConfigSchema, loadConfig } from '@reverie/service-kit';

export const SERVICE = 'agent-serving' as const;

export const servingConfigSchema = commonConfigSchema(SERVICE).extend({
  /** Tenant used when a request has no `x-reverie-tenant` header; unset means the header is required. */
  REVERIE_DEFAULT_TENANT: z.string().regex(SUBJECT_TOKEN, 'expected 1-128 characters of A-Z a-z 0-9 _ -').optional(),
});
export type ServingConfig = z.infer<typeof servingConfigSchema>;

export const loadServingConfig = (env: NodeJS.ProcessEnv = process.env): ServingConfig => loadConfig(servingConfigSchema, env);

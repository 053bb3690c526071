import type { z } from 'zod';
import { commonConfigSchema, loadConfig } from '@reverie/service-kit';

export const SERVICE = 'agent-serving' as const;

/** The common variables (REVERIE_API_KEYS among them). There is no default tenant: the tenant of a request is its credential's. */
export const servingConfigSchema = commonConfigSchema(SERVICE);
export type ServingConfig = z.infer<typeof servingConfigSchema>;

export const loadServingConfig = (env: NodeJS.ProcessEnv = process.env): ServingConfig => loadConfig(servingConfigSchema, env);

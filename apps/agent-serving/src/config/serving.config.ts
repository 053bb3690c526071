import type { z } from 'zod';
import { commonConfigSchema, loadConfig, perTenantNumbers } from '@reverie/service-kit';

export const SERVICE = 'agent-serving' as const;

/** Lessons' text served per request when neither the request nor the tenant's setting says otherwise. */
export const DEFAULT_TOKEN_BUDGET = 2000;

/** The common variables (REVERIE_API_KEYS among them). There is no default tenant: the tenant of a request is its credential's. */
export const servingConfigSchema = commonConfigSchema(SERVICE).extend({
  /** Per-tenant default token budget of an answer, e.g. `acme:1500,*:3000` (a request's `budget` overrides it). */
  REVERIE_SERVING_BUDGET_TOKENS: perTenantNumbers('acme:1500,*:3000'),
  /**
   * Per-tenant share of sessions an active lesson is held out of (withheld, recorded as such), the
   * randomized control efficacy compares with, e.g. `acme:0.1`; unset: none (only canaries have one).
   */
  REVERIE_HOLDOUT_SHARE: perTenantNumbers('acme:0.1,*:0.05').refine((v) => Object.values(v).every((x) => x < 0.5), 'a holdout share is below 0.5: most sessions are served'),
});
export type ServingConfig = z.infer<typeof servingConfigSchema>;

export const loadServingConfig = (env: NodeJS.ProcessEnv = process.env): ServingConfig => loadConfig(servingConfigSchema, env);

import { z } from 'zod';
import { isProductionMode, productionProblems, type ProductionCheckInput } from './production-checks';

export interface ConfigProblem {
  variable: string;
  message: string;
}

/** Thrown at start-up when the environment does not satisfy the service's configuration schema. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: ConfigProblem[], heading = 'Invalid configuration') {
    super(`${heading}:\n${problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n')}`);
  }
}

/** Variables whose values never appear in an error message or a log. */
export const SECRET_VARIABLE = /KEY|SECRET|PASSWORD|TOKEN|CREDENTIAL/i;

/**
 * Checks the environment against a zod object schema, once, at start-up. Empty variables count as
 * unset (so defaults apply). Every bad variable is named in one ConfigError, with what was
 * expected and what was found (secrets and URL passwords masked).
 *
 * A service's configuration (a schema built on commonConfigSchema, which declares
 * REVERIE_PRODUCTION) is then checked as a whole: NATS_TLS_CERT and NATS_TLS_KEY go together,
 * NATS_USER and NATS_PASSWORD go together (and not with NATS_CREDS), and
 * in production (`NODE_ENV=production` or `REVERIE_PRODUCTION=true`) the checks of
 * production-checks.ts must pass too, each failure named.
 */
export function loadConfig<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const input: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  const result = schema.safeParse(input);
  if (result.success) {
    if ('REVERIE_PRODUCTION' in schema.shape) checkServiceConfig(result.data as unknown as ServiceConfigView, env);
    return result.data;
  }
  const problems = result.error.issues.map((issue): ConfigProblem => {
    const variable = String(issue.path[0] ?? '(config)');
    const value = input[variable];
    const message =
      value === undefined ? `${issue.message} (not set)` : `${issue.message}, got ${describeValue(variable, value)}`;
    return { variable, message };
  });
  throw new ConfigError(problems);
}

type ServiceConfigView = Omit<ProductionCheckInput, 'PGPASSWORD'> & { REVERIE_PRODUCTION: boolean; NATS_USER?: string; NATS_PASSWORD?: string; NATS_CREDS?: string };

function checkServiceConfig(config: ServiceConfigView, env: NodeJS.ProcessEnv): void {
  const pair: ConfigProblem[] = [];
  if (config.NATS_TLS_CERT && !config.NATS_TLS_KEY) pair.push({ variable: 'NATS_TLS_KEY', message: 'expected the key of the client certificate in NATS_TLS_CERT (not set)' });
  if (config.NATS_TLS_KEY && !config.NATS_TLS_CERT) pair.push({ variable: 'NATS_TLS_CERT', message: 'expected the client certificate for the key in NATS_TLS_KEY (not set)' });
  pair.push(...natsCredentialProblems(config));
  if (pair.length) throw new ConfigError(pair);
  if (!isProductionMode(env.NODE_ENV, config.REVERIE_PRODUCTION)) return;
  const problems = productionProblems({ ...config, PGPASSWORD: env.PGPASSWORD });
  if (problems.length) {
    const why = env.NODE_ENV === 'production' ? 'NODE_ENV=production' : 'REVERIE_PRODUCTION=true';
    throw new ConfigError(problems, `Refused in production (${why})`);
  }
}

/** NATS_USER needs NATS_PASSWORD and the other way round; a credentials file is an alternative to both. */
export function natsCredentialProblems(c: { NATS_USER?: string; NATS_PASSWORD?: string; NATS_CREDS?: string }): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (c.NATS_USER && !c.NATS_PASSWORD) problems.push({ variable: 'NATS_PASSWORD', message: 'expected the password of NATS_USER (not set)' });
  if (c.NATS_PASSWORD && !c.NATS_USER) problems.push({ variable: 'NATS_USER', message: 'expected the user whose password NATS_PASSWORD is (not set)' });
  if (c.NATS_CREDS && (c.NATS_USER || c.NATS_PASSWORD)) problems.push({ variable: 'NATS_CREDS', message: 'expected either a credentials file or NATS_USER with NATS_PASSWORD, not both' });
  return problems;
}

export function describeValue(variable: string, value: string): string {
  if (SECRET_VARIABLE.test(variable)) return `a value of ${value.length} characters (hidden)`;
  return JSON.stringify(maskUrlPassword(value));
}

/** `postgres://u:secret@h/db` → `postgres://u:***@h/db`; anything else unchanged. */
export function maskUrlPassword(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):[^@/\s]*@/i, '$1:***@');
}

/**
 * A per-tenant setting as `tenant:value,…` (`*` for every other tenant), e.g. `acme:90,*:365`:
 * parsed into tenant → number, each value above `min`; unset is empty. Read a tenant's with `forTenant`.
 */
export function perTenantNumbers(example: string, min = 0) {
  return z.string().optional().transform((spec, ctx) => {
    const out: Record<string, number> = {};
    for (const item of (spec ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
      const [tenant, value] = item.split(':');
      const n = Number(value);
      if (!tenant || !(n > min)) {
        ctx.addIssue({ code: 'custom', message: `"${item}": expected tenant:value with a value above ${min} (e.g. ${example})` });
        return z.NEVER;
      }
      out[tenant] = n;
    }
    return out;
  });
}

/** A tenant's value of a per-tenant setting: its own, else `*`'s, else the fallback. */
export const forTenant = (values: Readonly<Record<string, number>> | undefined, tenantId: string, fallback?: number): number | undefined =>
  values?.[tenantId] ?? values?.['*'] ?? fallback;

import type { z } from 'zod';

export interface ConfigProblem {
  variable: string;
  message: string;
}

/** Thrown at start-up when the environment does not satisfy the service's configuration schema. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: ConfigProblem[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n')}`);
  }
}

/** Variables whose values never appear in an error message or a log. */
export const SECRET_VARIABLE = /KEY|SECRET|PASSWORD|TOKEN|CREDENTIAL/i;

/**
 * Checks the environment against a zod object schema, once, at start-up. Empty variables count as
 * unset (so defaults apply). Every bad variable is named in one ConfigError, with what was
 * expected and what was found (secrets and URL passwords masked).
 */
export function loadConfig<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const input: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue): ConfigProblem => {
    const variable = String(issue.path[0] ?? '(config)');
    const value = input[variable];
    const message =
      value === undefined ? `${issue.message} (not set)` : `${issue.message}, got ${describeValue(variable, value)}`;
    return { variable, message };
  });
  throw new ConfigError(problems);
}

export function describeValue(variable: string, value: string): string {
  if (SECRET_VARIABLE.test(variable)) return `a value of ${value.length} characters (hidden)`;
  return JSON.stringify(maskUrlPassword(value));
}

/** `postgres://u:secret@h/db` → `postgres://u:***@h/db`; anything else unchanged. */
export function maskUrlPassword(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):[^@/\s]*@/i, '$1:***@');
}

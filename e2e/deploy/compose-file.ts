import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

export const ROOT = path.resolve(__dirname, '../..');
export const COMPOSE_FILE = path.join(ROOT, 'docker-compose.yml');
export const ENV_EXAMPLE = path.join(ROOT, 'deploy/compose.env.example');
export const ENV_GENERATOR = path.join(ROOT, 'deploy/compose-env.mjs');

export interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string | number | boolean>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }> | string[];
  healthcheck?: { test?: string[]; disable?: boolean; interval?: string; timeout?: string; retries?: number; start_period?: string };
  restart?: string;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

/** docker-compose.yml as Compose reads it: YAML merge keys (`<<: *anchor`) applied, variables not yet interpolated. */
export function readCompose(): ComposeFile {
  return parse(readFileSync(COMPOSE_FILE, 'utf8'), { merge: true }) as ComposeFile;
}

/**
 * Compose's interpolation of one value: `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
 * `${VAR:?message}`, `${VAR?message}` and `$$`. Returns the value and the required variables that
 * were missing (`:?` also fails on an empty value).
 */
export function interpolate(value: string, env: Record<string, string | undefined>): { value: string; missing: string[] } {
  const missing: string[] = [];
  const out = value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g, (whole, name: string | undefined, op: string | undefined, arg: string | undefined) => {
    if (whole === '$$') return '$';
    const v = env[name as string];
    const empty = v === undefined || (op?.startsWith(':') && v === '');
    if (op?.endsWith('-')) return empty ? (arg ?? '') : (v as string);
    if (op?.endsWith('?') && empty) missing.push(name as string);
    return v ?? '';
  });
  return { value: out, missing };
}

/** KEY=value lines of an env file (comments and blank lines skipped). */
export function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) env[m[1]] = m[2];
  }
  return env;
}

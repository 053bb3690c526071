import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_PORTS, type ServiceName } from '@reverie/contracts';
import { CliError } from './errors';

/**
 * Where the CLI finds the services and the credential it presents; every value can be overridden
 * by environment. The CLI never says which tenant it acts for: the services take the tenant (and
 * the actor) from the verified key.
 */
export interface CliConfig {
  urls: Record<ServiceName, string>;
  /** `$REVERIE_API_KEY`, else the key `reverie login` saved; undefined when neither is set. */
  apiKey?: string;
  /** Where the key came from, for error messages: never the key itself. */
  apiKeySource: 'REVERIE_API_KEY' | 'profile' | 'option' | 'none';
  /** Why the profile could not be read (reported only by a command that needs the key). */
  profileProblem?: string;
  /** The profile file `reverie login` writes (whether or not it exists). */
  profilePath: string;
  natsUrl: string;
  databaseUrl: string;
  namespace: string;
}

/** What `reverie login` saves: the key, nothing about who it is (the services say that). */
export interface CliProfile {
  apiKey: string;
}

const ENV_URL: Record<ServiceName, string> = {
  'session-ingest': 'REVERIE_INGEST_URL',
  dreaming: 'REVERIE_DREAMING_URL',
  'lesson-governance': 'REVERIE_GOVERNANCE_URL',
  'agent-serving': 'REVERIE_SERVING_URL',
};

/** `$XDG_CONFIG_HOME/reverie/config.json`, else `~/.config/reverie/config.json` (a relative XDG_CONFIG_HOME is ignored, as the spec says). */
export function profilePath(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CONFIG_HOME;
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(env.HOME || os.homedir(), '.config');
  return path.join(base, 'reverie', 'config.json');
}

/** The saved profile, or undefined when there is none; a file that is not one is an error naming it. */
export function readProfile(file: string): CliProfile | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CliError(`cannot read ${file}: ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CliError(`${file} is not valid JSON; run \`reverie login --key <key>\` to write it again`);
  }
  const apiKey = (parsed as { apiKey?: unknown } | null)?.apiKey;
  if (typeof apiKey !== 'string' || !apiKey.trim()) throw new CliError(`${file} has no "apiKey"; run \`reverie login --key <key>\` to write it again`);
  return { apiKey: apiKey.trim() };
}

export function cliConfig(env: NodeJS.ProcessEnv = process.env): CliConfig {
  const urls = Object.fromEntries(
    (Object.keys(DEFAULT_PORTS) as ServiceName[]).map((s) => [s, (env[ENV_URL[s]] ?? `http://127.0.0.1:${DEFAULT_PORTS[s]}`).replace(/\/$/, '')]),
  ) as Record<ServiceName, string>;
  for (const [service, url] of Object.entries(urls)) {
    if (!/^https?:\/\/[^/]+/.test(url)) throw new CliError(`${ENV_URL[service as ServiceName]} must be an http(s) URL, got "${url}"`);
  }
  const file = profilePath(env);
  const fromEnv = env.REVERIE_API_KEY?.trim();
  // The profile is read only when the environment does not name a key: a broken file never stands in the way of REVERIE_API_KEY.
  let profile: CliProfile | undefined;
  let profileProblem: string | undefined;
  try {
    profile = fromEnv ? undefined : readProfile(file);
  } catch (err) {
    profileProblem = (err as Error).message;
  }
  return {
    urls,
    apiKey: fromEnv || profile?.apiKey,
    apiKeySource: fromEnv ? 'REVERIE_API_KEY' : profile ? 'profile' : 'none',
    profilePath: file,
    ...(profileProblem && { profileProblem }),
    natsUrl: env.NATS_URL ?? 'nats://127.0.0.1:4222',
    databaseUrl: env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/reverie',
    namespace: env.REVERIE_NAMESPACE ?? '',
  };
}

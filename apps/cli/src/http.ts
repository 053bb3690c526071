import { API_KEY_HEADER, type ServiceName } from '@reverie/contracts';
import type { CliConfig } from './cli-config';
import { CliError } from './errors';

export { CliError };

/** The key every service call presents; a one-line error saying how to provide one when there is none. */
export function requireApiKey(config: CliConfig): string {
  if (config.apiKey) return config.apiKey;
  if (config.profileProblem) throw new CliError(config.profileProblem);
  throw new CliError(`no API key: set REVERIE_API_KEY or run \`reverie login --key <key>\` (saved in ${config.profilePath})`);
}

/**
 * One request to a service, as the CLI's credential: `x-api-key` and nothing that names a tenant
 * (the service takes it from the key). Non-2xx answers become a CliError naming the service, the
 * request and the problem's detail, with a hint for 401 and 403.
 */
export async function callService<T>(config: CliConfig, service: ServiceName, path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const apiKey = requireApiKey(config);
  const url = `${config.urls[service]}${path}`;
  const method = init.method ?? (init.body === undefined ? 'GET' : 'POST');
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: {
        [API_KEY_HEADER]: apiKey,
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  } catch (err) {
    throw new CliError(`${service} is not reachable at ${config.urls[service]} (${(err as Error & { cause?: Error }).cause?.message ?? (err as Error).message}); is it running? try \`reverie status\``);
  }
  const text = await res.text();
  const body = text ? safeJson(text) : undefined;
  if (!res.ok) {
    const detail = (body as { detail?: string; title?: string } | undefined)?.detail ?? (body as { title?: string } | undefined)?.title ?? text;
    throw new CliError(`${service} answered ${res.status} for ${method} ${path}: ${detail}${hint(config, res.status, String(detail))}`, 1, res.status);
  }
  return body as T;
}

function hint(config: CliConfig, status: number, detail: string): string {
  const from = config.apiKeySource === 'profile' ? `the key saved in ${config.profilePath}` : config.apiKeySource === 'option' ? 'the key given with --key' : 'REVERIE_API_KEY';
  if (status === 401) return ` (the key is ${from}${config.apiKeySource === 'option' ? '' : '; set REVERIE_API_KEY or run `reverie login --key <key>` with a valid one'})`;
  // A missing role is the key's to fix; a refusal for who the caller is (separation of duties) is not.
  if (status === 403 && /needs one of the roles/.test(detail)) return ` (the key is ${from}; ask an admin for a key with that role: \`reverie keys create\`)`;
  return '';
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

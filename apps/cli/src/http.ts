import { API_KEY_HEADER, TENANT_HEADER, type ServiceName } from '@reverie/contracts';
import type { CliConfig } from './cli-config';

/** An error the CLI reports to people in one line (and as `{ error }` with --json). */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = 'CliError';
  }
}

export async function callService<T>(config: CliConfig, service: ServiceName, path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const url = `${config.urls[service]}${path}`;
  const method = init.method ?? (init.body === undefined ? 'GET' : 'POST');
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: {
        [API_KEY_HEADER]: config.apiKey,
        [TENANT_HEADER]: config.tenant,
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
    throw new CliError(`${service} answered ${res.status} for ${method} ${path}: ${detail}`);
  }
  return body as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

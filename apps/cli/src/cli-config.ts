import { DEFAULT_PORTS, type ServiceName } from '@reverie/contracts';

/** Where the CLI finds the services and who it acts as; every value can be overridden by environment. */
export interface CliConfig {
  urls: Record<ServiceName, string>;
  apiKey: string;
  tenant: string;
  natsUrl: string;
  databaseUrl: string;
  namespace: string;
}

const ENV_URL: Record<ServiceName, string> = {
  'session-ingest': 'REVERIE_INGEST_URL',
  dreaming: 'REVERIE_DREAMING_URL',
  'lesson-governance': 'REVERIE_GOVERNANCE_URL',
  'agent-serving': 'REVERIE_SERVING_URL',
};

export function cliConfig(env: NodeJS.ProcessEnv = process.env): CliConfig {
  const urls = Object.fromEntries(
    (Object.keys(DEFAULT_PORTS) as ServiceName[]).map((s) => [s, (env[ENV_URL[s]] ?? `http://127.0.0.1:${DEFAULT_PORTS[s]}`).replace(/\/$/, '')]),
  ) as Record<ServiceName, string>;
  for (const [service, url] of Object.entries(urls)) {
    if (!/^https?:\/\/[^/]+/.test(url)) throw new Error(`${ENV_URL[service as ServiceName]} must be an http(s) URL, got "${url}"`);
  }
  return {
    urls,
    apiKey: env.REVERIE_API_KEY ?? 'reverie-local-dev-key',
    tenant: env.REVERIE_TENANT ?? 'default',
    natsUrl: env.NATS_URL ?? 'nats://127.0.0.1:4222',
    databaseUrl: env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/reverie',
    namespace: env.REVERIE_NAMESPACE ?? '',
  };
}

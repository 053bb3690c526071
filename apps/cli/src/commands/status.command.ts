import { SERVICE_NAMES, type HealthReport, type ServiceName } from '@reverie/contracts';
import type { CliConfig } from '../cli-config';
import type { Output } from '../output';
import { table } from '../output';

interface ServiceStatus { service: ServiceName; url: string; status: 'ok' | 'degraded' | 'down'; detail?: string; checks?: HealthReport['checks'] }

/** Health of every service; exit code 0 only when all are healthy. */
export async function statusCommand(config: CliConfig, out: Output): Promise<number> {
  const results = await Promise.all(SERVICE_NAMES.map(async (service): Promise<ServiceStatus> => {
    const url = config.urls[service];
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(3000) });
      const body = (await res.json().catch(() => undefined)) as HealthReport | undefined;
      const down = Object.entries(body?.checks ?? {}).filter(([, c]) => c.status !== 'ok').map(([k, c]) => `${k}: ${c.detail ?? c.status}`);
      return { service, url, status: res.ok && body?.status === 'ok' ? 'ok' : body?.status ?? 'down', detail: down.join('; ') || (res.ok ? undefined : `HTTP ${res.status}`), checks: body?.checks };
    } catch (err) {
      return { service, url, status: 'down', detail: `not reachable (${(err as Error & { cause?: Error }).cause?.message ?? (err as Error).message})` };
    }
  }));
  const healthy = results.every((r) => r.status === 'ok');
  out.result({ healthy, services: results }, () =>
    table(results.map((r) => [r.service, r.status === 'ok' ? 'ok' : r.status.toUpperCase(), r.url, r.detail ?? '']), ['service', 'status', 'url', 'detail']) +
    `\n${healthy ? 'All services are healthy.' : 'Some services are not healthy.'}`);
  return healthy ? 0 : 1;
}

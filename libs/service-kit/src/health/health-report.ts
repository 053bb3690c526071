import type { HealthReport } from '@reverie/contracts';
import type { HealthOptions } from './health.options';

const started = Date.now();

/** Runs the checks: `ok` when all are ok, `down` when all are down, `degraded` in between. */
export async function healthReport(options: HealthOptions): Promise<HealthReport> {
  const checks = await runChecks(options);
  const statuses = Object.values(checks).map((c) => c.status);
  const downs = statuses.filter((s) => s === 'down').length;
  const status = downs === 0 ? 'ok' : downs === statuses.length ? 'down' : 'degraded';
  return {
    service: options.service,
    status,
    checks,
    version: options.version ?? process.env['REVERIE_VERSION'] ?? 'dev',
    uptimeSeconds: Math.round((Date.now() - started) / 1000),
  };
}

async function runChecks(options: HealthOptions): Promise<HealthReport['checks']> {
  if (!options.checks) return {};
  const timeoutMs = options.timeoutMs ?? 2000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`health checks timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([options.checks(), timeout]);
  } catch (e) {
    return { checks: { status: 'down', detail: e instanceof Error ? e.message : String(e) } };
  } finally {
    clearTimeout(timer);
  }
}

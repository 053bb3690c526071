import type { ConsumerStatus } from '../infrastructure/managed-consumers';
import type { HealthCheckResult } from './health.options';

/**
 * Readiness of a service's consumers: down when a loop is not running (restarting after it
 * stopped) or one lags more than `maxLag` messages behind its stream, naming which and why.
 */
export function consumersCheck(statuses: readonly ConsumerStatus[], maxLag: number): HealthCheckResult {
  const problems = statuses.flatMap((s) => {
    if (s.state !== 'running') return [`${s.name} ${s.state} since ${s.since} (restart ${s.restarts}${s.lastError ? `: ${s.lastError}` : ''})`];
    if (s.lag !== undefined && s.lag > maxLag) return [`${s.name} lags ${s.lag} messages (more than ${maxLag})`];
    return [];
  });
  return problems.length ? { status: 'down', detail: problems.join('; ').slice(0, 1000) } : { status: 'ok', ...(statuses.length && { detail: statuses.map((s) => `${s.name}: lag ${s.lag ?? '?'}`).join(', ').slice(0, 1000) }) };
}

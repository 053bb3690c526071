import type { HealthReport, ServiceName } from '@reverie/contracts';

export type HealthCheckResult = HealthReport['checks'][string];

export interface HealthOptions {
  service: ServiceName;
  /** Each named dependency's status; a check that throws or exceeds the timeout counts as down. */
  checks?: () => Promise<Record<string, HealthCheckResult>>;
  version?: string;
  /** Default 2000 ms. */
  timeoutMs?: number;
}

export const HEALTH_OPTIONS = Symbol('HEALTH_OPTIONS');

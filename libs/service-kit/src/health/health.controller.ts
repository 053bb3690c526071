import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { HealthReport } from '@reverie/contracts';
import type { FastifyReply } from 'fastify';
import { healthReport } from './health-report';
import { HEALTH_OPTIONS, type HealthOptions } from './health.options';
import { Public } from '../auth/policy';

@Controller()
export class HealthController {
  constructor(@Inject(HEALTH_OPTIONS) private readonly options: HealthOptions) {}

  /**
   * Readiness: 200 when every check is ok (NATS, Postgres, every consumer loop running within its
   * lag bound), 503 otherwise. Load balancers, Kubernetes' readiness probe and `reverie status`
   * read the code. `/health/ready` is the same.
   */
  @Get(['health', 'health/ready'])
  @Public()
  async health(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthReport> {
    const report = await healthReport(this.options);
    void reply.status(report.status === 'ok' ? 200 : 503);
    return report;
  }

  /**
   * Liveness: the process answers. Nothing a restart would not fix makes it fail (a dependency
   * down is readiness's business: restarting the service would not bring Postgres back).
   */
  @Get('health/live')
  @Public()
  live(): { status: 'ok'; uptimeSeconds: number } {
    return { status: 'ok', uptimeSeconds: Math.round(process.uptime()) };
  }
}

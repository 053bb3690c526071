import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { HealthReport } from '@reverie/contracts';
import type { FastifyReply } from 'fastify';
import { healthReport } from './health-report';
import { HEALTH_OPTIONS, type HealthOptions } from './health.options';
import { Public } from '../auth/policy';

@Controller()
export class HealthController {
  constructor(@Inject(HEALTH_OPTIONS) private readonly options: HealthOptions) {}

  /** 200 when every check is ok, 503 otherwise (load balancers and `reverie status` read the code). */
  @Get('health')
  @Public()
  async health(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthReport> {
    const report = await healthReport(this.options);
    void reply.status(report.status === 'ok' ? 200 : 503);
    return report;
  }
}

import { Controller, Get, Inject, NotFoundException, Optional, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/policy';
import { METRICS, type ServiceMetrics } from './service-metrics';

/** `GET /metrics`, Prometheus's text format (public like /health: volumes and latencies, no tenant, user or content). */
@Controller()
export class MetricsController {
  constructor(@Optional() @Inject(METRICS) private readonly metrics?: ServiceMetrics) {}

  @Get('metrics')
  @Public()
  async scrape(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    // An app assembled without serviceAppModule (a test's) has no registry.
    if (!this.metrics) throw new NotFoundException('this app keeps no metrics');
    void reply.header('content-type', this.metrics.registry.contentType);
    return this.metrics.registry.metrics();
  }
}

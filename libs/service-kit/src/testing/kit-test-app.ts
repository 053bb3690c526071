import { BadRequestException, Controller, Get, Module, NotFoundException, Post } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import type { HealthCheckResult } from '../health/health.options';
import { HealthModule } from '../health/health.module';
import { Public } from '../auth/policy';

/** What the test app's checks report; tests flip it. */
export const checkStates: Record<string, HealthCheckResult> = {};

/** Probes of the kit's plumbing: public, so the tests see the plumbing and not authentication. */
@Controller('t')
@Public()
class ProbeController {
  @Get('span')
  async span() {
    await new Promise((r) => setImmediate(r)); // the context must survive an await
    const ctx = trace.getActiveSpan()?.spanContext();
    return { traceId: ctx?.traceId, spanId: ctx?.spanId };
  }

  @Get('bad-request')
  badRequest() {
    throw new BadRequestException(['name must be a string', 'age must be positive']);
  }

  @Get('missing')
  missing() {
    throw new NotFoundException('lesson l-1 not found');
  }

  @Post('crash')
  async crash() {
    throw new Error('connection to postgres://u:pw@db failed at /srv/app/secret.ts:12');
  }
}

@Module({
  imports: [HealthModule.forRoot({ service: 'dreaming', version: '1.2.3', checks: async () => ({ ...checkStates }) })],
  controllers: [ProbeController],
})
export class KitTestModule {}

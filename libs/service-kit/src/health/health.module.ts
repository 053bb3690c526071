import { type DynamicModule, Module } from '@nestjs/common';
import { HealthController } from './health.controller';
import { MetricsController } from '../metrics/metrics.controller';
import { HEALTH_OPTIONS, type HealthOptions } from './health.options';

@Module({})
export class HealthModule {
  /** Serves `GET /health` with a HealthReport. */
  static forRoot(options: HealthOptions): DynamicModule {
    return {
      module: HealthModule,
      controllers: [HealthController, MetricsController],
      providers: [{ provide: HEALTH_OPTIONS, useValue: options }],
    };
  }
}

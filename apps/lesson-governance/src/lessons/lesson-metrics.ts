import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE, METRICS, type ServiceMetrics } from '@reverie/service-kit';

/** `reverie_lessons{status}`: lessons of every tenant by status, read from the review read model at scrape time. */
@Injectable()
export class LessonMetrics {
  constructor(@Inject(METRICS) metrics: ServiceMetrics, @Inject(DATA_SOURCE) ds: DataSource) {
    metrics.gauge('reverie_lessons', 'Lessons by status, all tenants', ['status'], async (g) => {
      g.reset();
      const rows: { status: string; n: string }[] = await ds.query('SELECT status, count(*) AS n FROM governance_lessons GROUP BY status');
      for (const r of rows) g.set({ status: r.status }, Number(r.n));
    });
  }
}

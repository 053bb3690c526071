import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { LessonEvent, LessonView } from '@reverie/contracts';
import type { ProjectedLessonView } from '@reverie/lesson-domain';
import { DATA_SOURCE } from '@reverie/service-kit';
import { publicLessonView } from './governance-lessons.plan';
import { APPROVED_STATUSES, type ListLessonsQuery } from './lesson-requests';

/** One entry of a lesson's audit trail: who did what, when, in stream order. */
export interface LessonAuditEntry {
  eventId: string;
  type: LessonEvent['type'];
  actor: LessonEvent['actor'];
  occurredAt: string;
  streamSeq: number;
  data: unknown;
}

export type LessonWithAudit = LessonView & { audit: LessonAuditEntry[] };

/** Reads of the review read model (eventually consistent with LESSONS). */
@Injectable()
export class LessonQueriesService {
  constructor(@Inject(DATA_SOURCE) private readonly ds: DataSource) {}

  async list(tenantId: string, query: ListLessonsQuery): Promise<LessonView[]> {
    const params: unknown[] = [tenantId, query.limit];
    const statuses = query.status === 'approved' ? APPROVED_STATUSES : query.status ? [query.status] : undefined;
    const byStatus = statuses ? ` AND status = ANY($${params.push(statuses)}::text[])` : '';
    const rows: { view: ProjectedLessonView }[] = await this.ds.query(
      `SELECT view FROM governance_lessons WHERE tenant_id = $1${byStatus} ORDER BY updated_at DESC, lesson_id LIMIT $2`,
      params,
    );
    return rows.map((r) => publicLessonView(r.view));
  }

  async get(tenantId: string, lessonId: string): Promise<LessonWithAudit> {
    const rows: { view: ProjectedLessonView }[] = await this.ds.query(
      `SELECT view FROM governance_lessons WHERE tenant_id = $1 AND lesson_id = $2`,
      [tenantId, lessonId],
    );
    if (!rows.length) throw new NotFoundException(`no lesson ${lessonId} in tenant ${tenantId}`);
    const audit: { event_id: string; type: LessonEvent['type']; actor: LessonEvent['actor']; occurred_at: Date; stream_seq: string; data: unknown }[] = await this.ds.query(
      `SELECT event_id, type, actor, occurred_at, stream_seq, data FROM governance_audit WHERE tenant_id = $1 AND lesson_id = $2 ORDER BY stream_seq`,
      [tenantId, lessonId],
    );
    return {
      ...publicLessonView(rows[0].view),
      audit: audit.map((a) => ({
        eventId: a.event_id,
        type: a.type,
        actor: a.actor,
        occurredAt: a.occurred_at.toISOString(),
        streamSeq: Number(a.stream_seq),
        data: a.data,
      })),
    };
  }
}

import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { LessonEvent, LessonView } from '@reverie/contracts';
import type { ProjectedLessonView } from '@reverie/lesson-domain';
import type { SessionCipher } from '@reverie/content-crypto';
import { DATA_SOURCE, SESSION_CIPHER } from '@reverie/service-kit';
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

/** One change to what agents are served. */
export interface ServedSetChange {
  at: string;
  lessonId: string;
  /** `added`: approved into canary or active; `widened`: a canary promoted to all; `replaced`: a new version approved; `withdrawn`: retired, rolled back or expired; `restored`: rolled back to a previous version. */
  change: 'added' | 'widened' | 'replaced' | 'withdrawn' | 'restored';
  event: string;
  version?: number;
  by: string;
  reason?: string;
  kind: string;
  text: string;
  agentId?: string;
}

const SERVED_SET_EVENTS = ['LessonApproved', 'LessonPromoted', 'LessonRetired', 'LessonRolledBack', 'LessonExpired'];

/** What an audited event did to the served set (the text is the lesson's current one; the audit has each version's). */
export function servedSetChange(type: string, data: Record<string, unknown>): Pick<ServedSetChange, 'change' | 'version' | 'reason'> {
  const reason = typeof data.reason === 'string' ? data.reason : typeof data.note === 'string' ? data.note : undefined;
  const extra = reason !== undefined ? { reason } : {};
  switch (type) {
    case 'LessonApproved':
      return { change: Number(data.version) > 1 ? 'replaced' : 'added', version: Number(data.version), ...extra };
    case 'LessonPromoted':
      return { change: 'widened', version: Number(data.version), ...extra };
    case 'LessonRolledBack':
      return data.toVersion !== undefined && !data.reviewAgain ? { change: 'restored', version: Number(data.toVersion), ...extra } : { change: 'withdrawn', version: Number(data.fromVersion), ...extra };
    default:
      return { change: 'withdrawn', ...(data.version !== undefined && { version: Number(data.version) }), ...extra };
  }
}

type MeasuredEfficacy = NonNullable<LessonView['efficacy']>;

/** The latest efficacy measured for the version served now (a measurement of an earlier version says nothing of this one). */
const EFFICACY_COLUMN = `CASE WHEN e.version = (g.view->'live'->>'version')::int THEN e.efficacy || jsonb_build_object('measuredAt', e.measured_at, 'dreamId', e.dream_id) END AS efficacy`;
const EFFICACY_JOIN = 'LEFT JOIN governance_lesson_efficacy e ON e.tenant_id = g.tenant_id AND e.lesson_id = g.lesson_id';
const withEfficacy = <V extends object>(view: V, efficacy: MeasuredEfficacy | null): V => (efficacy ? { ...view, efficacy } : view);

/** Reads of the review read model (eventually consistent with LESSONS). */
@Injectable()
export class LessonQueriesService {
  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(SESSION_CIPHER) private readonly cipher: SessionCipher,
  ) {}

  async list(tenantId: string, query: ListLessonsQuery): Promise<LessonView[]> {
    const params: unknown[] = [tenantId, query.limit];
    const statuses = query.status === 'approved' ? APPROVED_STATUSES : query.status ? [query.status] : undefined;
    const byStatus = statuses ? ` AND g.status = ANY($${params.push(statuses)}::text[])` : '';
    const rows: { view: ProjectedLessonView; efficacy: MeasuredEfficacy | null }[] = await this.ds.query(
      `SELECT g.view, ${EFFICACY_COLUMN} FROM governance_lessons g ${EFFICACY_JOIN} WHERE g.tenant_id = $1${byStatus} ORDER BY g.updated_at DESC, g.lesson_id LIMIT $2`,
      params,
    );
    // The read model keeps lessons' words sealed as the log does; they are opened for the answer only.
    return this.cipher.openDeep(tenantId, rows.map((r) => withEfficacy(publicLessonView(r.view), r.efficacy)));
  }

  /** The changes to the tenant's served lessons since a date, oldest first (at most 1000). */
  async servedSetChanges(tenantId: string, since: string): Promise<ServedSetChange[]> {
    const rows: { occurred_at: Date; lesson_id: string; type: string; actor: { id: string }; data: Record<string, unknown>; kind: string; text: string; agent: string | null }[] = await this.ds.query(
      `SELECT a.occurred_at, a.lesson_id, a.type, a.actor, a.data, g.kind, g.view->>'text' AS text, g.view->'scope'->>'agentId' AS agent
       FROM governance_audit a JOIN governance_lessons g USING (tenant_id, lesson_id)
       WHERE a.tenant_id = $1 AND a.occurred_at >= $2::timestamptz AND a.type = ANY($3::text[])
       ORDER BY a.occurred_at, a.stream_seq LIMIT 1000`,
      [tenantId, since, SERVED_SET_EVENTS],
    );
    return this.cipher.openDeep(tenantId, rows.map((r) => ({
      at: r.occurred_at.toISOString(), lessonId: r.lesson_id, event: r.type, by: r.actor.id, kind: r.kind, text: r.text,
      ...servedSetChange(r.type, r.data), ...(r.agent ? { agentId: r.agent } : {}),
    })));
  }

  async get(tenantId: string, lessonId: string): Promise<LessonWithAudit> {
    const rows: { view: ProjectedLessonView; efficacy: MeasuredEfficacy | null }[] = await this.ds.query(
      `SELECT g.view, ${EFFICACY_COLUMN} FROM governance_lessons g ${EFFICACY_JOIN} WHERE g.tenant_id = $1 AND g.lesson_id = $2`,
      [tenantId, lessonId],
    );
    if (!rows.length) throw new NotFoundException(`no lesson ${lessonId} in tenant ${tenantId}`);
    const audit: { event_id: string; type: LessonEvent['type']; actor: LessonEvent['actor']; occurred_at: Date; stream_seq: string; data: unknown }[] = await this.ds.query(
      `SELECT event_id, type, actor, occurred_at, stream_seq, data FROM governance_audit WHERE tenant_id = $1 AND lesson_id = $2 ORDER BY stream_seq`,
      [tenantId, lessonId],
    );
    return this.cipher.openDeep(tenantId, {
      ...withEfficacy(publicLessonView(rows[0].view), rows[0].efficacy),
      audit: audit.map((a) => ({
        eventId: a.event_id,
        type: a.type,
        actor: a.actor,
        occurredAt: a.occurred_at.toISOString(),
        streamSeq: Number(a.stream_seq),
        data: a.data,
      })),
    });
  }
}

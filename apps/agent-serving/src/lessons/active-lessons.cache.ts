import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { SessionCipher } from '@reverie/content-crypto';
import { DATA_SOURCE, SESSION_CIPHER } from '@reverie/service-kit';
import { ACTIVE_LESSONS_PROJECTION } from './active-lessons.projection';
import type { ActiveLessonRecord } from './served-lessons';

interface TenantLessons {
  /** The serving projection's checkpoint when the rows were read: they hold while it has not moved. */
  stamp: number;
  rows: Promise<ActiveLessonRecord[]>;
}

/**
 * A tenant's live lessons, opened, held in memory while the serving projection has not moved: a
 * request costs one indexed read of the projection's checkpoint instead of reading and decrypting
 * every live lesson. The checkpoint is in Postgres, so every replica sees a change (an approval, a
 * rollback) on its next request, whichever replica's consumer projected it.
 */
@Injectable()
export class ActiveLessonsCache {
  private readonly tenants = new Map<string, TenantLessons>();

  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(SESSION_CIPHER) private readonly cipher: SessionCipher,
  ) {}

  async rows(tenantId: string): Promise<ActiveLessonRecord[]> {
    // The stamp is read before the rows: rows newer than their stamp are only read again, never kept stale.
    const stamp = await this.stamp();
    const cached = this.tenants.get(tenantId);
    if (cached && cached.stamp === stamp) return cached.rows;
    const rows = this.load(tenantId);
    this.tenants.set(tenantId, { stamp, rows });
    rows.catch(() => { if (this.tenants.get(tenantId)?.rows === rows) this.tenants.delete(tenantId); });
    return rows;
  }

  private async stamp(): Promise<number> {
    const rows: { last_seq: string }[] = await this.ds.query('SELECT last_seq FROM projection_checkpoints WHERE projection = $1', [ACTIVE_LESSONS_PROJECTION]);
    return rows.length ? Number(rows[0].last_seq) : 0;
  }

  private async load(tenantId: string): Promise<ActiveLessonRecord[]> {
    const rows: ActiveLessonRecord[] = await this.ds.query(
      `SELECT a.lesson_id, a.agent_id, a.kind, a.scope, a.live, (v.view->>'confidence')::float8 AS confidence
       FROM serving_active_lessons a LEFT JOIN serving_lesson_views v USING (tenant_id, lesson_id)
       WHERE a.tenant_id = $1 AND a.live IS NOT NULL
       ORDER BY a.approved_at, a.lesson_id`,
      [tenantId],
    );
    // The served rows keep lessons' words sealed as the log does: opened for agents' answers only.
    return this.cipher.openDeep(tenantId, rows);
  }
}

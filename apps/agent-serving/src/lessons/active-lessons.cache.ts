import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { SessionCipher } from '@reverie/content-crypto';
import { DATA_SOURCE, SESSION_CIPHER } from '@reverie/service-kit';
import { ACTIVE_LESSONS_PROJECTION } from './active-lessons.projection';
import { reviewByMs } from '@reverie/lesson-domain';
import { LessonRankingIndex, type RankableLesson } from './lesson-ranking';
import type { ActiveLessonRecord } from './served-lessons';

/** A tenant's live lessons, opened; each agent's ranking index is built on its first request. */
export class TenantLessons {
  private readonly indexes = new Map<string, LessonRankingIndex>();

  constructor(readonly rows: readonly ActiveLessonRecord[]) {}

  /** The lessons an agent is served (its own and tenant-wide ones), indexed for ranking. */
  indexFor(agentId: string): LessonRankingIndex {
    let index = this.indexes.get(agentId);
    if (!index) {
      index = new LessonRankingIndex(this.rows.filter((r) => !r.agent_id || r.agent_id === agentId).map(rankable), agentId);
      this.indexes.set(agentId, index);
    }
    return index;
  }
}

const rankable = (r: ActiveLessonRecord): RankableLesson => ({
  id: r.lesson_id, kind: r.kind, text: r.live.text, version: r.live.version, scope: r.scope, stage: r.live.stage,
  ...(r.live.share !== undefined && { share: r.live.share }), reviewByMs: reviewByMs(r.live),
  ...(typeof r.confidence === 'number' && { confidence: r.confidence }),
});

/**
 * A tenant's live lessons held in memory while the serving projection has not moved: a request
 * costs one indexed read of the projection's checkpoint, no reading and decrypting of lessons, and
 * no building of the ranking index. The checkpoint lives in Postgres, so every replica sees a
 * change (an approval, a rollback) on its next request, whichever replica's consumer projected it.
 * (Holding the checkpoint read for 100 ms was measured too: no gain worth the staleness.)
 */
@Injectable()
export class ActiveLessonsCache {
  private readonly tenants = new Map<string, { stamp: number; lessons: Promise<TenantLessons> }>();

  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(SESSION_CIPHER) private readonly cipher: SessionCipher,
  ) {}

  async lessons(tenantId: string): Promise<TenantLessons> {
    // The stamp is read before the rows: rows newer than their stamp are only read again, never kept stale.
    const stamp = await this.stamp();
    const cached = this.tenants.get(tenantId);
    if (cached && cached.stamp >= stamp) return cached.lessons;
    const lessons = this.load(tenantId);
    this.tenants.set(tenantId, { stamp, lessons });
    lessons.catch(() => { if (this.tenants.get(tenantId)?.lessons === lessons) this.tenants.delete(tenantId); });
    return lessons;
  }

  private async stamp(): Promise<number> {
    const rows: { last_seq: string }[] = await this.ds.query('SELECT last_seq FROM projection_checkpoints WHERE projection = $1', [ACTIVE_LESSONS_PROJECTION]);
    return rows.length ? Number(rows[0].last_seq) : 0;
  }

  private async load(tenantId: string): Promise<TenantLessons> {
    const sealed: ActiveLessonRecord[] = await this.ds.query(
      `SELECT a.lesson_id, a.agent_id, a.kind, a.scope, a.live, (v.view->>'confidence')::float8 AS confidence
       FROM serving_active_lessons a LEFT JOIN serving_lesson_views v USING (tenant_id, lesson_id)
       WHERE a.tenant_id = $1 AND a.live IS NOT NULL
       ORDER BY a.approved_at, a.lesson_id`,
      [tenantId],
    );
    // The served rows keep lessons' words sealed as the log does: opened for agents' answers only.
    return new TenantLessons(await this.cipher.openDeep(tenantId, sealed));
  }
}

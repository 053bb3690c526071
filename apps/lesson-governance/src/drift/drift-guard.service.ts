import { HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { exceedsDrift, utcDay, type DriftAction, type DriftCaps, type DriftCounts } from '@reverie/lesson-domain';
import { DATA_SOURCE } from '@reverie/service-kit';

/** A change over a drift cap: it waits (429 with Retry-After at the next UTC midnight), the cap named. */
export class DriftCapError extends HttpException {
  constructor(readonly cap: string, detail: string, readonly retryAt: string) {
    super({ type: 'urn:reverie:problem:lesson:drift-cap', code: 'drift-cap', cap, detail: `${detail}; it waits until ${retryAt}`, retryAt }, HttpStatus.TOO_MANY_REQUESTS);
  }
}

/**
 * Counts today's changes to the served lessons (approvals, retirements) from the audit read model,
 * for the tenant and for the agent a lesson is scoped to, and holds a change that would exceed
 * the tenant's drift caps (lesson-domain's `exceedsDrift` decides).
 */
@Injectable()
export class DriftGuard {
  constructor(@Inject(DATA_SOURCE) private readonly ds: DataSource) {}

  async check(tenantId: string, lessonId: string, action: DriftAction, caps: DriftCaps, now: string): Promise<void> {
    const day = utcDay(now);
    const [lesson] = await this.ds.query(`SELECT view->'scope'->>'agentId' AS agent FROM governance_lessons WHERE tenant_id = $1 AND lesson_id = $2`, [tenantId, lessonId]) as { agent: string | null }[];
    const agent = lesson?.agent ?? undefined;
    const scopes: { name: string; agent?: string }[] = [{ name: `tenant ${tenantId}` }, ...(agent ? [{ name: `agent ${agent}`, agent }] : [])];
    for (const scope of scopes) {
      const refusal = exceedsDrift(action, scope.name, await this.counts(tenantId, day.start, scope.agent), caps);
      if (refusal) throw new DriftCapError(refusal.cap, refusal.detail, day.next);
    }
  }

  /**
   * Whether a dream may propose one more new lesson: refused, naming the cap, once the dream made
   * `maxProposalsPerDream` (counted from the read model; a proposal already made is not held back).
   */
  async proposalWaits(tenantId: string, lessonId: string, dreamId: string, caps: DriftCaps): Promise<string | undefined> {
    const [known] = await this.ds.query('SELECT 1 FROM governance_lessons WHERE tenant_id = $1 AND lesson_id = $2', [tenantId, lessonId]) as unknown[];
    if (known) return undefined;
    const [made] = await this.ds.query(
      `SELECT count(*)::int AS n FROM governance_audit WHERE tenant_id = $1 AND type = 'LessonProposed' AND data->>'dreamId' = $2`, [tenantId, dreamId],
    ) as { n: number }[];
    if (made.n < caps.maxProposalsPerDream) return undefined;
    return `drift cap: dream ${dreamId} already proposed ${made.n} lesson(s); the tenant's policy allows ${caps.maxProposalsPerDream} per dream (drift.maxProposalsPerDream); it waits for a later dream`;
  }

  /** Today's approvals and retirements in a scope (an agent's own lessons and the tenant-wide ones), and the served set at the day's start. */
  private async counts(tenantId: string, since: string, agent?: string): Promise<DriftCounts> {
    const inScope = agent ? `AND (g.view->'scope'->>'agentId' = $3 OR g.view->'scope'->>'agentId' IS NULL)` : '';
    const params = agent ? [tenantId, since, agent] : [tenantId, since];
    const [today] = await this.ds.query(
      `SELECT count(*) FILTER (WHERE a.type = 'LessonApproved')::int AS approvals, count(*) FILTER (WHERE a.type = 'LessonRetired')::int AS retirements
       FROM governance_audit a JOIN governance_lessons g USING (tenant_id, lesson_id)
       WHERE a.tenant_id = $1 AND a.occurred_at >= $2::timestamptz AND a.type IN ('LessonApproved', 'LessonRetired') ${inScope}`,
      params,
    ) as { approvals: number; retirements: number }[];
    const [served] = await this.ds.query(
      `SELECT count(*)::int AS n FROM governance_lessons g WHERE g.tenant_id = $1 AND g.view->'live' IS NOT NULL ${agent ? inScope.replace('$3', '$2') : ''}`,
      agent ? [tenantId, agent] : [tenantId],
    ) as { n: number }[];
    // The served set at the day's start: what is served now, without today's approvals, with today's retirements.
    return { ...today, activeAtDayStart: Math.max(0, served.n - today.approvals + today.retirements) };
  }
}

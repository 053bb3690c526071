import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { newId, type LessonView } from '@reverie/contracts';
import type { LessonCommand, LessonCommandMetadata } from '@reverie/lesson-domain';
import { Allow, CurrentPrincipal, parseRequest, type Principal } from '@reverie/service-kit';
import { CLOCK, type Clock } from '../app.tokens';
import { TenantPolicyStore } from '../policy/tenant-policy.store';
import { decisionActor } from './lesson-actor';
import { LessonDecisionsService } from './lesson-decisions.service';
import { LessonQueriesService, type LessonWithAudit } from './lesson-queries.service';
import { approveBody, lessonIdParam, listLessonsQuery, rejectBody, retireBody } from './lesson-requests';

export const CORRELATION_HEADER = 'x-correlation-id';

/**
 * The review API. Reads come from the projection; decisions go through the decider against the
 * log. The tenant and the deciding actor are the verified caller's (`@CurrentPrincipal()`), never
 * a header, path or body: another tenant's lesson id simply finds nothing (404).
 */
@Controller('v1/lessons')
export class LessonsController {
  constructor(
    @Inject(LessonQueriesService) private readonly queries: LessonQueriesService,
    @Inject(LessonDecisionsService) private readonly decisions: LessonDecisionsService,
    @Inject(TenantPolicyStore) private readonly policies: TenantPolicyStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Reading lessons and their evidence is the reviewers' work; approvers read what they approve, admins oversee. */
  @Get()
  @Allow('reviewer', 'approver', 'admin')
  list(@CurrentPrincipal() principal: Principal, @Query() query: unknown): Promise<LessonView[]> {
    return this.queries.list(principal.tenantId, parseRequest(listLessonsQuery, query, 'query'));
  }

  @Get(':id')
  @Allow('reviewer', 'approver', 'admin')
  get(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<LessonWithAudit> {
    return this.queries.get(principal.tenantId, this.lessonId(id));
  }

  /**
   * Approving puts a lesson in front of agents: approvers only, and never one who proposed it or
   * ingested its evidence. With a two-person policy the first approvals are recorded and the
   * lesson stays proposed until enough distinct approvers approved it.
   */
  @Post(':id/approve')
  @Allow('approver')
  @HttpCode(200)
  async approve(@CurrentPrincipal() principal: Principal, @Headers(CORRELATION_HEADER) correlation: string | undefined, @Param('id') id: string, @Body() body: unknown): Promise<LessonView> {
    const { note } = parseRequest(approveBody, body, 'body');
    const lessonId = this.lessonId(id);
    const { requiredApprovals } = await this.policies.get(principal.tenantId);
    return this.run(principal, lessonId, { type: 'ApproveLesson', data: { ...(note !== undefined && { note }), requiredApprovals }, metadata: this.metadata(principal, correlation) });
  }

  /** Rejecting keeps a proposal from agents, so a reviewer may do it; an approver may too. */
  @Post(':id/reject')
  @Allow('reviewer', 'approver')
  @HttpCode(200)
  async reject(@CurrentPrincipal() principal: Principal, @Headers(CORRELATION_HEADER) correlation: string | undefined, @Param('id') id: string, @Body() body: unknown): Promise<LessonView> {
    const { reason } = parseRequest(rejectBody, body, 'body');
    return this.run(principal, id, { type: 'RejectLesson', data: { reason }, metadata: this.metadata(principal, correlation) });
  }

  /** Retiring changes what agents are served: approvers only. */
  @Post(':id/retire')
  @Allow('approver')
  @HttpCode(200)
  async retire(@CurrentPrincipal() principal: Principal, @Headers(CORRELATION_HEADER) correlation: string | undefined, @Param('id') id: string, @Body() body: unknown): Promise<LessonView> {
    const { reason } = parseRequest(retireBody, body, 'body');
    return this.run(principal, id, { type: 'RetireLesson', data: { reason }, metadata: this.metadata(principal, correlation) });
  }

  private async run(principal: Principal, id: string, command: LessonCommand): Promise<LessonView> {
    const { view } = await this.decisions.execute(principal.tenantId, this.lessonId(id), command);
    return view;
  }

  /** The clock and the actor enter here; the decider never reads either. */
  private metadata(principal: Principal, correlation: string | undefined): LessonCommandMetadata {
    return {
      now: this.clock().toISOString(),
      actor: decisionActor(principal),
      correlationId: correlation && correlation.length <= 200 ? correlation : newId(),
    };
  }

  private lessonId(id: string): string {
    return parseRequest(lessonIdParam, id, 'params');
  }
}

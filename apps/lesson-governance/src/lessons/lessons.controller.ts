import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { newId, TENANT_HEADER, type LessonView } from '@reverie/contracts';
import type { LessonCommand, LessonCommandMetadata } from '@reverie/lesson-domain';
import { parseRequest, resolveTenant } from '@reverie/service-kit';
import { CLOCK, GOVERNANCE_CONFIG, type Clock } from '../app.tokens';
import type { GovernanceConfig } from '../config/governance.config';
import { LessonDecisionsService } from './lesson-decisions.service';
import { LessonQueriesService, type LessonWithAudit } from './lesson-queries.service';
import { approveBody, lessonIdParam, listLessonsQuery, rejectBody, retireBody } from './lesson-requests';

export const CORRELATION_HEADER = 'x-correlation-id';

/** The review API. Reads come from the projection; decisions go through the decider against the log. */
@Controller('v1/lessons')
export class LessonsController {
  constructor(
    @Inject(LessonQueriesService) private readonly queries: LessonQueriesService,
    @Inject(LessonDecisionsService) private readonly decisions: LessonDecisionsService,
    @Inject(GOVERNANCE_CONFIG) private readonly config: GovernanceConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  list(@Headers(TENANT_HEADER) tenant: string | undefined, @Query() query: unknown): Promise<LessonView[]> {
    return this.queries.list(this.tenant(tenant), parseRequest(listLessonsQuery, query, 'query'));
  }

  @Get(':id')
  get(@Headers(TENANT_HEADER) tenant: string | undefined, @Param('id') id: string): Promise<LessonWithAudit> {
    return this.queries.get(this.tenant(tenant), this.lessonId(id));
  }

  @Post(':id/approve')
  @HttpCode(200)
  async approve(@Headers() headers: Record<string, string | undefined>, @Param('id') id: string, @Body() body: unknown): Promise<LessonView> {
    const { reviewer, note } = parseRequest(approveBody, body, 'body');
    return this.run(headers, id, { type: 'ApproveLesson', data: note === undefined ? {} : { note }, metadata: this.metadata(headers, reviewer) });
  }

  @Post(':id/reject')
  @HttpCode(200)
  async reject(@Headers() headers: Record<string, string | undefined>, @Param('id') id: string, @Body() body: unknown): Promise<LessonView> {
    const { reviewer, reason } = parseRequest(rejectBody, body, 'body');
    return this.run(headers, id, { type: 'RejectLesson', data: { reason }, metadata: this.metadata(headers, reviewer) });
  }

  @Post(':id/retire')
  @HttpCode(200)
  async retire(@Headers() headers: Record<string, string | undefined>, @Param('id') id: string, @Body() body: unknown): Promise<LessonView> {
    const { by, reason } = parseRequest(retireBody, body, 'body');
    return this.run(headers, id, { type: 'RetireLesson', data: { reason }, metadata: this.metadata(headers, by) });
  }

  private async run(headers: Record<string, string | undefined>, id: string, command: LessonCommand): Promise<LessonView> {
    const tenantId = this.tenant(headers[TENANT_HEADER]);
    const { view } = await this.decisions.execute(tenantId, this.lessonId(id), command);
    return view;
  }

  /** The clock and the actor enter here; the decider never reads either. */
  private metadata(headers: Record<string, string | undefined>, reviewer: string): LessonCommandMetadata {
    const correlation = headers[CORRELATION_HEADER];
    return {
      now: this.clock().toISOString(),
      actor: { kind: 'reviewer', id: reviewer },
      correlationId: correlation && correlation.length <= 200 ? correlation : newId(),
    };
  }

  private tenant(header: string | undefined): string {
    return resolveTenant(header, this.config.REVERIE_DEFAULT_TENANT);
  }

  private lessonId(id: string): string {
    return parseRequest(lessonIdParam, id, 'params');
  }
}

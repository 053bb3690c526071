import { Body, Controller, Get, Headers, HttpCode, Inject, NotFoundException, Param, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { newId, type LessonView } from '@reverie/contracts';
import type { DriftAction, DriftCaps, LessonCommand, LessonCommandMetadata, LessonState } from '@reverie/lesson-domain';
import { DriftCapError, DriftGuard } from '../drift/drift-guard.service';
import { Allow, ApiOperation, CurrentPrincipal, parseRequest, type Principal } from '@reverie/service-kit';
import { CLOCK, type Clock } from '../app.tokens';
import { LessonGuardrails } from '../policy/lesson-guardrails.service';
import { rolloutOf } from '../policy/tenant-policy';
import { TenantPolicyStore } from '../policy/tenant-policy.store';
import { decisionActor } from './lesson-actor';
import { LessonDecisionsService } from './lesson-decisions.service';
import { LessonQueriesService, type LessonWithAudit, type ServedSetChange } from './lesson-queries.service';
import { approveBody, changesQuery, editBody, lessonIdParam, listLessonsQuery, reasonBody, rejectBody, retireBody } from './lesson-requests';

export const CORRELATION_HEADER = 'x-correlation-id';

const LESSON = { id: lessonIdParam };
const LESSON_VIEW = { description: 'LessonView (libs/contracts): the lesson as decided' };
const CORRELATION = { [CORRELATION_HEADER]: 'Correlation id recorded on the decision (at most 200 characters; else a new one)' };
const DECISION_ERRORS = {
  403: 'None of the roles allowed, or separation of duties (a proposer, editor or ingester of its evidence may not approve it)',
  404: 'No such lesson in the caller\'s tenant',
  409: 'The lesson\'s state forbids it (`code` says why), or it kept changing concurrently',
  422: 'Well-formed but meaningless (`code` says why): a blank reason, an unchanged text',
};

/**
 * The review API. Reads come from the projection; decisions go through the decider against the
 * log. The tenant and the deciding actor are the verified caller's (`@CurrentPrincipal()`), never
 * a header, path or body: another tenant's lesson id simply finds nothing (404). Texts are held
 * to the tenant's guardrails and approvals to its policy, both read at the moment of deciding.
 */
@Controller('v1/lessons')
export class LessonsController {
  constructor(
    @Inject(LessonQueriesService) private readonly queries: LessonQueriesService,
    @Inject(LessonDecisionsService) private readonly decisions: LessonDecisionsService,
    @Inject(TenantPolicyStore) private readonly policies: TenantPolicyStore,
    @Inject(LessonGuardrails) private readonly guardrails: LessonGuardrails,
    @Inject(DriftGuard) private readonly drift: DriftGuard,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Reading lessons and their evidence is the reviewers' work; approvers read what they approve, admins oversee. */
  @Get()
  @Allow('reviewer', 'approver', 'admin')
  @ApiOperation({ summary: 'The tenant\'s lessons, newest first', query: listLessonsQuery, response: { description: 'LessonView[] (libs/contracts)' } })
  list(@CurrentPrincipal() principal: Principal, @Query() query: unknown): Promise<LessonView[]> {
    return this.queries.list(principal.tenantId, parseRequest(listLessonsQuery, query, 'query'));
  }

  /** What changed in the served set since a date (`lessons diff --since`): additions, widenings, replacements, withdrawals. */
  @Get('changes')
  @Allow('reviewer', 'approver', 'admin')
  @ApiOperation({ summary: 'What changed in the served set since a date', query: changesQuery, response: { description: 'ServedSetChange[]: additions, widenings, replacements, withdrawals' } })
  changes(@CurrentPrincipal() principal: Principal, @Query() query: unknown): Promise<ServedSetChange[]> {
    return this.queries.servedSetChanges(principal.tenantId, parseRequest(changesQuery, query, 'query').since);
  }

  /** The lesson with its audit trail (every event with its actor; an edit with its diff). */
  @Get(':id')
  @Allow('reviewer', 'approver', 'admin')
  @ApiOperation({ summary: 'A lesson with its audit trail', params: LESSON, response: { description: 'LessonWithAudit: the LessonView and every event with its actor (an edit with its diff)' }, errors: { 404: DECISION_ERRORS[404] } })
  get(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<LessonWithAudit> {
    return this.queries.get(principal.tenantId, this.lessonId(id));
  }

  /** A new text version, held to the guardrails at once; an editor may no longer approve it. */
  @Post(':id/edit')
  @Allow('reviewer', 'approver')
  @HttpCode(200)
  @ApiOperation({ summary: 'Edit the text under review', params: LESSON, headers: CORRELATION, body: editBody, response: LESSON_VIEW, errors: DECISION_ERRORS })
  async edit(@CurrentPrincipal() principal: Principal, @Headers(CORRELATION_HEADER) correlation: string | undefined, @Param('id') id: string, @Body() body: unknown): Promise<LessonView> {
    const { text, rationale } = parseRequest(editBody, body, 'body');
    const lessonId = this.lessonId(id);
    const check = await this.guardrails.forTenant(principal.tenantId, lessonId);
    const metadata = this.metadata(principal, correlation);
    return this.run(principal, lessonId, (state: LessonState) => ({
      type: 'EditLesson',
      data: { text, ...(rationale !== undefined && { rationale }), policyCheck: check({ text: text.trim(), ...(rationale !== undefined && { rationale }), ...subjectOf(state) }) },
      metadata,
    }));
  }

  /**
   * Approving puts a lesson in front of agents: approvers only, and never one who proposed it,
   * edited it or ingested its evidence. The approval binds to the text version read (`textHash`).
   * With a two-person policy the first approvals are recorded and the lesson stays in review until
   * enough distinct approvers approved it; then it goes to its canary share, or to all.
   */
  @Post(':id/approve')
  @Allow('approver')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Approve a lesson (or record an approval towards it)',
    description: 'The approval binds to the text version read (`textHash`). With a two-person policy the lesson stays in review until enough distinct approvers approved it.',
    params: LESSON, headers: CORRELATION, body: approveBody, response: LESSON_VIEW,
    errors: { ...DECISION_ERRORS, 429: 'Over one of the tenant\'s drift caps (`cap`): it waits until `retryAt` (`Retry-After`)' },
  })
  async approve(@CurrentPrincipal() principal: Principal, @Headers(CORRELATION_HEADER) correlation: string | undefined, @Param('id') id: string, @Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply): Promise<LessonView> {
    const { note, textHash } = parseRequest(approveBody, body, 'body');
    const lessonId = this.lessonId(id);
    const policy = await this.policies.get(principal.tenantId);
    await this.withinDrift(reply, principal.tenantId, lessonId, 'approve', policy.drift);
    return this.run(principal, lessonId, {
      type: 'ApproveLesson',
      data: { ...(note !== undefined && { note }), ...(textHash !== undefined && { textHash }), requiredApprovals: policy.requiredApprovals, rollout: rolloutOf(policy) },
      metadata: this.metadata(principal, correlation),
    });
  }

  /** Rejecting keeps a proposal (or a revision) from agents, so a reviewer may do it; an approver may too. */
  @Post(':id/reject')
  @Allow('reviewer', 'approver')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reject a proposal or a revision', params: LESSON, headers: CORRELATION, body: rejectBody, response: LESSON_VIEW, errors: DECISION_ERRORS })
  async reject(@CurrentPrincipal() principal: Principal, @Headers(CORRELATION_HEADER) correlation: string | undefined, @Param('id') id: string, @Body() body: unknown): Promise<LessonView> {
    const { reason } = parseRequest(rejectBody, body, 'body');
    return this.run(principal, this.lessonId(id), { type: 'RejectLesson', data: { reason }, metadata: this.metadata(principal, correlation) });
  }

  /** A canary goes to every agent before its period is over: approvers only. */
  @Post(':id/promote')
  @Allow('approver')
  @HttpCode(200)
  @ApiOperation({ summary: 'Serve a canary to every agent now', params: LESSON, headers: CORRELATION, body: reasonBody, response: LESSON_VIEW, errors: DECISION_ERRORS })
  async promote(@CurrentPrincipal() principal: Principal, @Headers(CORRELATION_HEADER) correlation: string | undefined, @Param('id') id: string, @Body() body: unknown): Promise<LessonView> {
    const { reason } = parseRequest(reasonBody, body, 'body');
    return this.run(principal, this.lessonId(id), { type: 'PromoteLesson', data: { reason }, metadata: this.metadata(principal, correlation) });
  }

  /** Withdraws the served version in one action (the previous one is served again, if any): approvers only. */
  @Post(':id/rollback')
  @Allow('approver')
  @HttpCode(200)
  @ApiOperation({ summary: 'Withdraw the served version (the previous one is served again, if any)', params: LESSON, headers: CORRELATION, body: reasonBody, response: LESSON_VIEW, errors: DECISION_ERRORS })
  async rollback(@CurrentPrincipal() principal: Principal, @Headers(CORRELATION_HEADER) correlation: string | undefined, @Param('id') id: string, @Body() body: unknown): Promise<LessonView> {
    const { reason } = parseRequest(reasonBody, body, 'body');
    return this.run(principal, this.lessonId(id), { type: 'RollBackLesson', data: { reason }, metadata: this.metadata(principal, correlation) });
  }

  /** Retiring changes what agents are served: approvers only. */
  @Post(':id/retire')
  @Allow('approver')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Retire a lesson', params: LESSON, headers: CORRELATION, body: retireBody, response: LESSON_VIEW,
    errors: { ...DECISION_ERRORS, 429: 'Over one of the tenant\'s drift caps (`cap`): it waits until `retryAt` (`Retry-After`)' },
  })
  async retire(@CurrentPrincipal() principal: Principal, @Headers(CORRELATION_HEADER) correlation: string | undefined, @Param('id') id: string, @Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply): Promise<LessonView> {
    const { reason } = parseRequest(retireBody, body, 'body');
    const lessonId = this.lessonId(id);
    await this.withinDrift(reply, principal.tenantId, lessonId, 'retire', (await this.policies.get(principal.tenantId)).drift);
    return this.run(principal, lessonId, { type: 'RetireLesson', data: { reason }, metadata: this.metadata(principal, correlation) });
  }

  /** Brings a rejected, retired, expired or rolled-back lesson back to review (not to agents), its text checked again. */
  @Post(':id/reopen')
  @Allow('reviewer', 'approver')
  @HttpCode(200)
  @ApiOperation({ summary: 'Bring a rejected, retired, expired or rolled-back lesson back to review', params: LESSON, headers: CORRELATION, body: reasonBody, response: LESSON_VIEW, errors: DECISION_ERRORS })
  async reopen(@CurrentPrincipal() principal: Principal, @Headers(CORRELATION_HEADER) correlation: string | undefined, @Param('id') id: string, @Body() body: unknown): Promise<LessonView> {
    const { reason } = parseRequest(reasonBody, body, 'body');
    const lessonId = this.lessonId(id);
    const check = await this.guardrails.forTenant(principal.tenantId, lessonId);
    const metadata = this.metadata(principal, correlation);
    return this.run(principal, lessonId, (state: LessonState) => ({
      type: 'ReopenLesson', data: { reason, policyCheck: check({ text: state.status === 'initial' ? '' : state.text, ...subjectOf(state) }) }, metadata,
    }));
  }

  /** A change over the tenant's drift caps waits: 429 naming the cap, Retry-After the next UTC midnight. */
  private async withinDrift(reply: FastifyReply, tenantId: string, lessonId: string, action: DriftAction, caps: DriftCaps): Promise<void> {
    try {
      await this.drift.check(tenantId, lessonId, action, caps, this.clock().toISOString());
    } catch (err) {
      if (err instanceof DriftCapError) void reply.header('retry-after', String(Math.max(1, Math.ceil((Date.parse(err.retryAt) - this.clock().getTime()) / 1000))));
      throw err;
    }
  }

  private async run(principal: Principal, lessonId: string, command: LessonCommand | ((state: LessonState) => LessonCommand)): Promise<LessonView> {
    const { view } = await this.decisions.execute(principal.tenantId, lessonId, command);
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
    if (id.startsWith('_')) throw new NotFoundException(`no lesson ${id}`); // `_tenant` and the like are the tenant's own aggregates
    return parseRequest(lessonIdParam, id, 'params');
  }
}

/** What the corroboration rule reads of a lesson, as its state holds it. */
const subjectOf = (state: LessonState) => (state.status === 'initial' ? {} : { kind: state.kind, support: state.support });

import { Body, Controller, ForbiddenException, Get, Headers, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { SessionOutcome, SUBJECT_TOKEN } from '@reverie/contracts';
import type { LessonExplanation } from '@reverie/lessons-mcp';
import { z } from 'zod';
import { Allow, ApiOperation, boundAgentOf, CurrentPrincipal, parseRequest, type Principal } from '@reverie/service-kit';
import { AgentLessonsService, type AgentLessons } from './agent-lessons.service';

/** Response header naming the LessonsServed event that recorded the answer. */
export const SERVED_EVENT_HEADER = 'x-reverie-served-event-id';
export const CORRELATION_HEADER = 'x-correlation-id';

const agentIdParam = z.string().regex(SUBJECT_TOKEN, 'agent id must be 1-128 characters of A-Z a-z 0-9 _ -');
const lessonIdParam = z.string().min(1).max(128).regex(/^[A-Za-z0-9_:.-]+$/, 'lesson id must be 1-128 characters of A-Z a-z 0-9 _ : . -');
const outcomeBody = z.object({
  sessionId: z.string().min(1).max(200),
  outcome: SessionOutcome.optional(),
  lessonId: z.string().min(1).max(128).optional(),
  rating: z.enum(['up', 'down']).optional(),
}).strict();
const agentLessonsQuery = z.object({
  sessionId: z.string().min(1, 'must not be empty').max(200).optional(),
  /** The session's task, to rank by. */
  task: z.string().min(1, 'must not be empty').max(4000).optional(),
  /** The agent's tools, comma-separated. */
  tools: z.string().max(4000).optional().transform((t) => t?.split(',').map((x) => x.trim()).filter(Boolean)),
  /** Tokens of lesson text the answer may hold. */
  budget: z.coerce.number().int('must be a whole number of tokens').min(1).max(200_000).optional(),
});

@Controller('v1/agents')
export class AgentLessonsController {
  constructor(@Inject(AgentLessonsService) private readonly lessons: AgentLessonsService) {}

  /**
   * The approved lessons of an agent of the caller's tenant (its verified credential's), recorded
   * on SERVING with the caller as the actor. Agents are served; reviewers, approvers and admins
   * may see what an agent is served (`reverie agent lessons`), and their look is recorded as theirs.
   * Ranked for `task` and `tools` when given, within `budget` tokens (else the tenant's default).
   */
  @Get(':agentId/lessons')
  @Allow('agent', 'reviewer', 'approver', 'admin')
  @ApiOperation({
    summary: 'The approved lessons of an agent, recorded as served',
    description: 'Ranked for `task` and `tools` when given, within `budget` tokens (else the tenant\'s default). A key bound to an agent speaks for that agent only.',
    params: { agentId: agentIdParam },
    query: agentLessonsQuery,
    headers: { [CORRELATION_HEADER]: 'Correlation id recorded on the serving (at most 200 characters)' },
    response: { description: '`{ agentId, lessons, budget }`: ServedLesson[] (libs/contracts)', headers: { [SERVED_EVENT_HEADER]: 'The LessonsServed event that recorded the answer' } },
    errors: { 503: 'The serving could not be recorded (SERVING unavailable); retry' },
  })
  async get(
    @CurrentPrincipal() principal: Principal,
    @Headers(CORRELATION_HEADER) correlation: string | undefined,
    @Param('agentId') agentIdRaw: string,
    @Query() query: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Omit<AgentLessons, 'servedEventId'>> {
    const agentId = this.agentOf(principal, agentIdRaw);
    const { sessionId, task, tools, budget } = parseRequest(agentLessonsQuery, query, 'query');
    const served = await this.lessons.serve({
      tenantId: principal.tenantId, agentId, sessionId, task, tools, budgetTokens: budget, actor: principal.actor,
      correlationId: correlation && correlation.length <= 200 ? correlation : undefined,
    });
    void reply.header(SERVED_EVENT_HEADER, served.servedEventId);
    return { agentId: served.agentId, lessons: served.lessons, budget: served.budget };
  }

  /** An agent's report on a session: how it ended, and/or a thumbs up or down on a lesson it was served. */
  @Post(':agentId/outcomes')
  @HttpCode(202)
  @Allow('agent')
  @ApiOperation({
    summary: 'Report how a session ended, and/or rate a lesson served',
    params: { agentId: agentIdParam },
    body: outcomeBody,
    response: { description: '`{ recordedEventId }`: the OutcomeReported event' },
    errors: { 503: 'The report could not be recorded (SERVING unavailable); retry' },
  })
  async report(@CurrentPrincipal() principal: Principal, @Param('agentId') agentIdRaw: string, @Body() body: unknown): Promise<{ recordedEventId: string }> {
    const agentId = this.agentOf(principal, agentIdRaw);
    const report = parseRequest(outcomeBody, body, 'body');
    return this.lessons.reportOutcome({ tenantId: principal.tenantId, agentId, actor: principal.actor, report });
  }

  /** What a lesson the agent is served rests on: approval, support, the session events behind it (no excerpts). */
  @Get(':agentId/lessons/:lessonId/explanation')
  @Allow('agent', 'reviewer', 'approver', 'admin')
  @ApiOperation({
    summary: 'What a lesson served to the agent rests on',
    description: 'Its approval, its support and the session events behind it (no excerpts).',
    params: { agentId: agentIdParam, lessonId: lessonIdParam },
    response: { description: 'LessonExplanation (libs/lessons-mcp)' },
    errors: { 404: 'The agent is not served such a lesson' },
  })
  async explain(@CurrentPrincipal() principal: Principal, @Param('agentId') agentIdRaw: string, @Param('lessonId') lessonIdRaw: string): Promise<LessonExplanation> {
    const agentId = this.agentOf(principal, agentIdRaw);
    const lessonId = parseRequest(lessonIdParam, lessonIdRaw, 'params');
    return this.lessons.explain(principal.tenantId, agentId, lessonId);
  }

  private agentOf(principal: Principal, raw: string): string {
    const agentId = parseRequest(agentIdParam, raw, 'params');
    const bound = boundAgentOf(principal);
    if (bound !== undefined && bound !== agentId) throw new ForbiddenException(`this key is bound to agent ${bound}: it speaks for that agent only`);
    return agentId;
  }
}


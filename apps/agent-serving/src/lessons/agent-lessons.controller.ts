import { Controller, ForbiddenException, Get, Headers, Inject, Param, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { SUBJECT_TOKEN } from '@reverie/contracts';
import { z } from 'zod';
import { Allow, boundAgentOf, CurrentPrincipal, parseRequest, type Principal } from '@reverie/service-kit';
import { AgentLessonsService, type AgentLessons } from './agent-lessons.service';

/** Response header naming the LessonsServed event that recorded the answer. */
export const SERVED_EVENT_HEADER = 'x-reverie-served-event-id';
export const CORRELATION_HEADER = 'x-correlation-id';

const agentIdParam = z.string().regex(SUBJECT_TOKEN, 'agent id must be 1-128 characters of A-Z a-z 0-9 _ -');
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
  async get(
    @CurrentPrincipal() principal: Principal,
    @Headers(CORRELATION_HEADER) correlation: string | undefined,
    @Param('agentId') agentIdRaw: string,
    @Query() query: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Omit<AgentLessons, 'servedEventId'>> {
    const agentId = parseRequest(agentIdParam, agentIdRaw, 'params');
    const bound = boundAgentOf(principal);
    if (bound !== undefined && bound !== agentId) throw new ForbiddenException(`this key is bound to agent ${bound}: it is served that agent's lessons only`);
    const { sessionId, task, tools, budget } = parseRequest(agentLessonsQuery, query, 'query');
    const served = await this.lessons.serve({
      tenantId: principal.tenantId, agentId, sessionId, task, tools, budgetTokens: budget, actor: principal.actor,
      correlationId: correlation && correlation.length <= 200 ? correlation : undefined,
    });
    void reply.header(SERVED_EVENT_HEADER, served.servedEventId);
    return { agentId: served.agentId, lessons: served.lessons, budget: served.budget };
  }
}

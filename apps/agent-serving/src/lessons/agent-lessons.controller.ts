import { Controller, Get, Headers, Inject, Param, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { SUBJECT_TOKEN, TENANT_HEADER, type ServedLesson } from '@reverie/contracts';
import { z } from 'zod';
import { parseRequest, resolveTenant } from '@reverie/service-kit';
import { SERVING_CONFIG } from '../app.tokens';
import type { ServingConfig } from '../config/serving.config';
import { AgentLessonsService } from './agent-lessons.service';

/** Response header naming the LessonsServed event that recorded the answer. */
export const SERVED_EVENT_HEADER = 'x-reverie-served-event-id';
export const CORRELATION_HEADER = 'x-correlation-id';

const agentIdParam = z.string().regex(SUBJECT_TOKEN, 'agent id must be 1-128 characters of A-Z a-z 0-9 _ -');
const agentLessonsQuery = z.object({ sessionId: z.string().min(1, 'must not be empty').max(200).optional() });

@Controller('v1/agents')
export class AgentLessonsController {
  constructor(
    @Inject(AgentLessonsService) private readonly lessons: AgentLessonsService,
    @Inject(SERVING_CONFIG) private readonly config: ServingConfig,
  ) {}

  @Get(':agentId/lessons')
  async get(
    @Headers() headers: Record<string, string | undefined>,
    @Param('agentId') agentIdRaw: string,
    @Query() query: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ agentId: string; lessons: ServedLesson[] }> {
    const tenantId = resolveTenant(headers[TENANT_HEADER], this.config.REVERIE_DEFAULT_TENANT);
    const agentId = parseRequest(agentIdParam, agentIdRaw, 'params');
    const { sessionId } = parseRequest(agentLessonsQuery, query, 'query');
    const correlation = headers[CORRELATION_HEADER];
    const served = await this.lessons.serve(tenantId, agentId, sessionId, correlation && correlation.length <= 200 ? correlation : undefined);
    void reply.header(SERVED_EVENT_HEADER, served.servedEventId);
    return { agentId: served.agentId, lessons: served.lessons };
  }
}

import { BadRequestException, Controller, Delete, Get, Inject, Post, Query, Req, Res } from '@nestjs/common';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SUBJECT_TOKEN } from '@reverie/contracts';
import { createLessonsMcpServer } from '@reverie/lessons-mcp';
import { Allow, boundAgentOf, CurrentPrincipal, type Principal } from '@reverie/service-kit';
import { AgentLessonsService } from '../lessons/agent-lessons.service';
import { ServingLessonsBackend } from './serving-lessons.backend';

/**
 * Reverie's MCP server over Streamable HTTP (`/mcp`), stateless: each request gets a server and a
 * transport of its own, answering as JSON, for the agent its credential speaks for (a key bound
 * to an agent; an unbound agent key names it with `?agent=`).
 */
@Controller()
export class McpController {
  constructor(@Inject(AgentLessonsService) private readonly lessons: AgentLessonsService) {}

  /** JSON-RPC requests and notifications from the client. */
  @Post('mcp')
  @Allow('agent')
  post(@CurrentPrincipal() principal: Principal, @Query('agent') agent: unknown, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.handle(principal, agent, req, reply);
  }

  /** A stream for server-initiated messages (a stateless server has none: the transport answers 405). */
  @Get('mcp')
  @Allow('agent')
  get(@CurrentPrincipal() principal: Principal, @Query('agent') agent: unknown, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.handle(principal, agent, req, reply);
  }

  /** Ending a session (a stateless server keeps none: the transport answers 405). */
  @Delete('mcp')
  @Allow('agent')
  delete(@CurrentPrincipal() principal: Principal, @Query('agent') agent: unknown, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.handle(principal, agent, req, reply);
  }

  private async handle(principal: Principal, agentQuery: unknown, req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const bound = boundAgentOf(principal);
    const named = typeof agentQuery === 'string' ? agentQuery : undefined;
    if (bound !== undefined && named !== undefined && named !== bound) throw new BadRequestException(`this key is bound to agent ${bound}, not ${named}`);
    const agentId = bound ?? named;
    if (agentId === undefined || !SUBJECT_TOKEN.test(agentId)) {
      throw new BadRequestException('name the agent: use a key bound to it (reverie keys create --agent <id>) or add ?agent=<id> to the MCP URL');
    }
    const server = createLessonsMcpServer(new ServingLessonsBackend(this.lessons, principal, agentId));
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    reply.hijack();
    reply.raw.on('close', () => { void transport.close(); void server.close(); });
    await server.connect(transport);
    await transport.handleRequest(req.raw, reply.raw, req.body);
  }
}

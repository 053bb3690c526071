import { BadRequestException, Controller, Delete, Get, Inject, Post, Query, Req, Res } from '@nestjs/common';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { SUBJECT_TOKEN } from '@reverie/contracts';
import { createLessonsMcpServer } from '@reverie/lessons-mcp';
import { Allow, ApiOperation, boundAgentOf, CurrentPrincipal, parseRequest, type Principal } from '@reverie/service-kit';
import { AgentLessonsService } from '../lessons/agent-lessons.service';
import { ServingLessonsBackend } from './serving-lessons.backend';

const mcpQuery = z.object({
  /** The agent an unbound agent key speaks for (a bound key's own, if given). */
  agent: z.string({ error: 'expected one agent id' }).regex(SUBJECT_TOKEN, 'agent id must be 1-128 characters of A-Z a-z 0-9 _ -').optional(),
});
const MCP_DESCRIPTION = 'Reverie\'s MCP server over Streamable HTTP, stateless: its tools serve the agent\'s lessons. The agent is the one its key is bound to, or `agent`.';

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
  @ApiOperation({
    summary: 'MCP: a JSON-RPC request or notification', description: MCP_DESCRIPTION, query: mcpQuery,
    body: { description: 'A JSON-RPC 2.0 message of the Model Context Protocol (`initialize`, `tools/list`, `tools/call`, …)' },
    response: { status: 200, description: 'The JSON-RPC response (202 with no body for a notification)' },
  })
  post(@CurrentPrincipal() principal: Principal, @Query() query: unknown, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.handle(principal, query, req, reply);
  }

  /** A stream for server-initiated messages (a stateless server has none: the transport answers 405). */
  @Get('mcp')
  @Allow('agent')
  @ApiOperation({ summary: 'MCP: a stream of server messages (none: a stateless server)', description: MCP_DESCRIPTION, query: mcpQuery, response: { status: 405, description: 'Not offered by a stateless server' } })
  get(@CurrentPrincipal() principal: Principal, @Query() query: unknown, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.handle(principal, query, req, reply);
  }

  /** Ending a session (a stateless server keeps none: the transport answers 405). */
  @Delete('mcp')
  @Allow('agent')
  @ApiOperation({ summary: 'MCP: end a session (none: a stateless server)', description: MCP_DESCRIPTION, query: mcpQuery, response: { status: 405, description: 'Not offered by a stateless server' } })
  delete(@CurrentPrincipal() principal: Principal, @Query() query: unknown, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.handle(principal, query, req, reply);
  }

  private async handle(principal: Principal, query: unknown, req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const bound = boundAgentOf(principal);
    const named = parseRequest(mcpQuery, query, 'query').agent;
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

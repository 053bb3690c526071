import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { ROUTES, SUBJECT_TOKEN } from '@reverie/contracts';
import { createLessonsMcpServer, type LessonExplanation, type LessonsAnswer, type LessonsBackend, type OutcomeReport } from '@reverie/lessons-mcp';
import type { CliConfig } from '../cli-config';
import { callService, CliError, requireApiKey } from '../http';

/** The MCP tools answered through agent-serving's HTTP API, as the CLI's agent key. */
export class HttpLessonsBackend implements LessonsBackend {
  constructor(private readonly config: CliConfig, private readonly agentId: string) {}

  getLessons(request: { task?: string; tools?: string[]; sessionId?: string; budgetTokens?: number }): Promise<LessonsAnswer> {
    const q = new URLSearchParams();
    if (request.task) q.set('task', request.task);
    if (request.tools?.length) q.set('tools', request.tools.join(','));
    if (request.sessionId) q.set('sessionId', request.sessionId);
    if (request.budgetTokens) q.set('budget', String(request.budgetTokens));
    const query = q.toString();
    return callService<LessonsAnswer>(this.config, 'agent-serving', `${ROUTES.agentLessons(this.agentId)}${query ? `?${query}` : ''}`);
  }

  reportOutcome(report: OutcomeReport): Promise<{ recordedEventId: string }> {
    return callService(this.config, 'agent-serving', ROUTES.agentOutcomes(this.agentId), { body: report });
  }

  explainLesson(lessonId: string): Promise<LessonExplanation> {
    return callService(this.config, 'agent-serving', ROUTES.agentLessonExplanation(this.agentId, encodeURIComponent(lessonId)));
  }
}

/**
 * `reverie mcp --agent <id>`: Reverie's MCP server on stdin/stdout for an MCP client that starts
 * it (Claude Code: `claude mcp add reverie -- reverie mcp --agent <id>`). Stdout carries the
 * protocol only; nothing else is printed there. Runs until the client closes stdin.
 */
export async function mcpCommand(config: CliConfig, options: { agent?: string }): Promise<number> {
  requireApiKey(config);
  const agentId = options.agent ?? process.env.REVERIE_AGENT_ID;
  if (!agentId) throw new CliError('name the agent: --agent <id> or REVERIE_AGENT_ID');
  if (!SUBJECT_TOKEN.test(agentId)) throw new CliError(`--agent: "${agentId}" is not an agent id (1-128 characters of A-Z a-z 0-9 _ -)`);
  const server = createLessonsMcpServer(new HttpLessonsBackend(config, agentId));
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => { transport.onclose = resolve; process.stdin.once('end', resolve); });
  await server.connect(transport);
  await closed;
  await server.close();
  return 0;
}

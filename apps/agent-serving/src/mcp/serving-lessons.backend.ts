import type { LessonExplanation, LessonsAnswer, LessonsBackend, OutcomeReport } from '@reverie/lessons-mcp';
import type { Principal } from '@reverie/service-kit';
import type { AgentLessonsService } from '../lessons/agent-lessons.service';

/** The MCP tools answered in agent-serving's process, for one verified agent credential. */
export class ServingLessonsBackend implements LessonsBackend {
  constructor(private readonly lessons: AgentLessonsService, private readonly principal: Principal, private readonly agentId: string) {}

  async getLessons(request: { task?: string; tools?: string[]; sessionId?: string; budgetTokens?: number }): Promise<LessonsAnswer> {
    const served = await this.lessons.serve({ tenantId: this.principal.tenantId, agentId: this.agentId, actor: this.principal.actor, ...request });
    return {
      agentId: served.agentId,
      lessons: served.lessons.map(({ id, kind, text, version, stage, score, tokens }) => ({ id, kind, text, version, ...(stage && { stage }), score, tokens })),
      budget: { budgetTokens: served.budget.budgetTokens, usedTokens: served.budget.usedTokens, omitted: served.budget.omitted },
      servedEventId: served.servedEventId,
    };
  }

  reportOutcome(report: OutcomeReport): Promise<{ recordedEventId: string }> {
    return this.lessons.reportOutcome({ tenantId: this.principal.tenantId, agentId: this.agentId, actor: this.principal.actor, report });
  }

  explainLesson(lessonId: string): Promise<LessonExplanation> {
    return this.lessons.explain(this.principal.tenantId, this.agentId, lessonId);
  }
}

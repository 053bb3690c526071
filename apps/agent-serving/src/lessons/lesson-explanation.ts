import type { LessonView } from '@reverie/contracts';
import type { LessonExplanation } from '@reverie/lessons-mcp';

/**
 * What an agent may learn about a lesson it is served: who approved it and when, its support in
 * counts, the dream's confidence, and the session events behind it by id. Never the evidence
 * excerpts (other people's words are for reviewers), never another agent's lesson.
 */
export function explanationOf(view: LessonView, agentId: string): LessonExplanation | undefined {
  const live = view.live;
  if (!live || (view.scope.agentId !== undefined && view.scope.agentId !== agentId)) return undefined;
  return {
    id: view.id, kind: view.kind, text: live.text, version: live.version, stage: live.stage,
    ...(view.approvers?.length ? { approvedBy: view.approvers.join(', ') } : view.decidedBy ? { approvedBy: view.decidedBy } : {}),
    ...(live.since ? { approvedAt: live.since } : {}),
    confidence: view.confidence,
    support: { sessions: view.support.sessions, distinctUsers: view.support.distinctUsers, firstSeen: view.support.firstSeen, lastSeen: view.support.lastSeen },
    evidence: view.evidence.refs.map((r) => ({ sessionId: r.sessionId, eventId: r.eventId, ...(r.source && { source: r.source }) })),
    dreamId: view.dreamId,
    proposedAt: view.proposedAt,
  };
}

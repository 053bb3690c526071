import type { LessonKind, SessionOutcome } from '@reverie/contracts';

/** One lesson as an agent is handed it, with why it ranks where it does. */
export interface GuidanceLesson {
  id: string;
  kind: LessonKind;
  text: string;
  version: number;
  stage?: 'canary' | 'active';
  score?: number;
  tokens?: number;
}

export interface LessonsAnswer {
  agentId: string;
  lessons: GuidanceLesson[];
  budget: { budgetTokens: number; usedTokens: number; omitted: number };
  /** The SERVING record of this answer. */
  servedEventId?: string;
}

export interface OutcomeReport {
  sessionId: string;
  /** How the session ended, as the agent saw it. */
  outcome?: SessionOutcome;
  /** A thumbs up or down on one lesson it was served. */
  lessonId?: string;
  rating?: 'up' | 'down';
}

/** What a lesson rests on and where it came from: counts and ids, never other people's words. */
export interface LessonExplanation {
  id: string;
  kind: LessonKind;
  text: string;
  version: number;
  stage?: 'canary' | 'active';
  approvedBy?: string;
  approvedAt?: string;
  confidence?: number;
  support: { sessions: number; distinctUsers: number; firstSeen?: string; lastSeen?: string };
  /** The session events behind it: lineage down to the event. */
  evidence: { sessionId: string; eventId: string; source?: string }[];
  /** The dream that proposed it. */
  dreamId?: string;
  proposedAt?: string;
}

/**
 * What the MCP tools ask of Reverie for one authenticated agent: agent-serving answers in process
 * (Streamable HTTP), the CLI answers through agent-serving's HTTP API (stdio).
 */
export interface LessonsBackend {
  getLessons(request: { task?: string; tools?: string[]; sessionId?: string; budgetTokens?: number }): Promise<LessonsAnswer>;
  reportOutcome(report: OutcomeReport): Promise<{ recordedEventId: string }>;
  explainLesson(lessonId: string): Promise<LessonExplanation>;
}

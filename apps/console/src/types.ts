/** The shapes of the API answers the console reads (a subset of @reverie/contracts' LessonView and friends). */
export interface Support { sessions: number; distinctUsers: number; occurrences: number; firstSeen: string; lastSeen: string }
export interface EvidenceRef { tenantId: string; sessionId: string; eventId: string; excerpt?: string; source?: string }
export interface Efficacy {
  version: number; served: { sessions: number; recurred: number; failed: number }; control: { sessions: number; recurred: number; failed: number };
  effect: number; interval: [number, number]; pHelps: number; pHarms: number; verdict: 'measuring' | 'helps' | 'no-effect' | 'harms'; measuredAt: string; dreamId: string;
}
export interface Lesson {
  id: string; kind: 'mistake' | 'workflow' | 'preference'; text: string; rationale?: string; status: string; version: number; textVersion: number; textHash: string;
  scope: { tenantId: string; agentId?: string; tools?: string[]; taskCluster?: string };
  support: Support; confidence: number; evidence: { refs: EvidenceRef[]; counts: Record<string, number> };
  live?: { version: number; text: string; stage: 'canary' | 'active'; share?: number; reviewBy?: string; since?: string };
  policy?: { verdict: 'pass' | 'block'; violations: { rule: string; detail: string; match: string }[]; checkedAt: string };
  tainted?: string[]; wordsErased?: true; editors?: string[]; approvals?: { reviewer: string; at: string }[];
  dreamId: string; proposedAt: string; decidedAt?: string; decidedBy?: string; efficacy?: Efficacy;
  audit?: { eventId: string; type: string; actor: { id: string }; occurredAt: string; data: Record<string, unknown> }[];
}
export interface DreamView {
  id: string; status: string; trigger: string; requestedAt: string; completedAt?: string; counts?: Record<string, number>;
  tokens?: { input: number; output: number }; durationMs?: number; proposedLessonIds: string[]; reinforcedLessonIds: string[]; error?: string;
}
export interface SessionEventView { id: string; type: string; occurredAt: string; actor: { kind: string; id: string }; data: Record<string, unknown> }

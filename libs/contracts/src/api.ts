/**
 * Public HTTP APIs of the services: paths and response shapes shared by the services, the CLI
 * and the ingest client. Every service also answers `GET /health` with `HealthReport`.
 */
import type { LessonClaim, LessonKind } from './lesson.model';
import type { LessonEfficacyRecord } from './dream.events';

export const DEFAULT_PORTS = {
  'session-ingest': 4101,
  dreaming: 4102,
  'lesson-governance': 4103,
  'agent-serving': 4104,
} as const;
export type ServiceName = keyof typeof DEFAULT_PORTS;
export const SERVICE_NAMES = Object.keys(DEFAULT_PORTS) as ServiceName[];

export interface HealthReport {
  service: ServiceName;
  status: 'ok' | 'degraded' | 'down';
  checks: Record<string, { status: 'ok' | 'down'; detail?: string }>;
  version: string;
  uptimeSeconds: number;
}

/** Header carrying an API key on every service (also accepted as `Authorization: Bearer <key>`). */
export const API_KEY_HEADER = 'x-api-key';

export const ROUTES = {
  ingestEvents: '/v1/events',
  ingestOtlpTraces: '/v1/otlp/v1/traces',
  dreams: '/v1/dreams',
  dream: (id: string) => `/v1/dreams/${id}`,
  lessons: '/v1/lessons',
  lesson: (id: string) => `/v1/lessons/${id}`,
  approveLesson: (id: string) => `/v1/lessons/${id}/approve`,
  rejectLesson: (id: string) => `/v1/lessons/${id}/reject`,
  retireLesson: (id: string) => `/v1/lessons/${id}/retire`,
  editLesson: (id: string) => `/v1/lessons/${id}/edit`,
  promoteLesson: (id: string) => `/v1/lessons/${id}/promote`,
  rollbackLesson: (id: string) => `/v1/lessons/${id}/rollback`,
  reopenLesson: (id: string) => `/v1/lessons/${id}/reopen`,
  lessonChanges: '/v1/lessons/changes',
  policy: '/v1/admin/policy',
  policyTest: '/v1/admin/policy/test',
  agentLessons: (agentId: string) => `/v1/agents/${agentId}/lessons`,
  agentLessonExplanation: (agentId: string, lessonId: string) => `/v1/agents/${agentId}/lessons/${lessonId}/explanation`,
  agentOutcomes: (agentId: string) => `/v1/agents/${agentId}/outcomes`,
  mcp: '/mcp',
} as const;

export interface IngestRejection { index: number; eventId?: string; reason: string; }
export interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: IngestRejection[];
  /** What redaction removed from the accepted events, by kind (counts only, never values). */
  redactions?: Record<string, number>;
}

/**
 * A lesson's lifecycle: `proposed` (by a dream, until the guardrails ran) → `blocked` (a rule
 * broke; an edit may fix it) or `in-review` → approved into `canary` (served to a share of the
 * sessions) → `active` (served to all); `rejected`, `retired`, `rolled-back` (withdrawn with no
 * earlier version to fall back to) and `expired` (its review-by date passed) are served nothing.
 */
export const LESSON_STATUSES = ['proposed', 'blocked', 'in-review', 'canary', 'active', 'rejected', 'retired', 'rolled-back', 'expired'] as const;
export type LessonStatus = (typeof LESSON_STATUSES)[number];

/** The version agents are served, while a lesson has one (a revision under review keeps serving it). */
export interface LiveLesson {
  /** Release number: +1 on each approval. */
  version: number;
  textVersion: number;
  text: string;
  textHash: string;
  stage: 'canary' | 'active';
  /** Canary: the share of sessions served it, and when it goes to all. */
  share?: number;
  promoteAt?: string;
  /** Not served after this date until reviewed again. */
  reviewBy?: string;
  /** When this version went live: its approval, or the rollback that returned to it. */
  since: string;
}

export interface LessonView extends LessonClaim {
  id: string;
  tenantId: string;
  status: LessonStatus;
  /** Release number of the latest approval (0 before the first). */
  version: number;
  /** The text under review (`text`): its version (1 as proposed, +1 per edit) and SHA-256; an approval binds to it. */
  textVersion: number;
  textHash: string;
  /** What agents are served of this lesson now, if anything. */
  live?: LiveLesson;
  /** The guardrails' verdict on the current text. */
  policy?: { verdict: 'pass' | 'block'; violations: { rule: string; detail: string; match: string }[]; checkedAt: string };
  /** Reviewers who edited the text: none of them may approve it. */
  editors?: string[];
  /**
   * The untrusted kinds of evidence the lesson rests on (agent messages, tool output, web or file
   * content): its wording may carry what those sources said, so a reviewer reads it as tainted.
   */
  tainted?: string[];
  /** An erasure withdrew the lesson's words (they quoted erased data): they read "[erased]" and the lesson is closed for good. */
  wordsErased?: true;
  /** Does the served version change what agents do: the latest dream's measurement of it (absent until one). */
  efficacy?: LessonEfficacyRecord & { measuredAt: string; dreamId: string };
  dreamId: string;
  proposedAt: string;
  decidedAt?: string;
  decidedBy?: string;
  decisionNote?: string;
  /** Approvals recorded towards approving this proposal, while the tenant's policy wants more than one. */
  approvals?: { reviewer: string; at: string; note?: string }[];
  /** Every approver of the approved version (two-person rule), the deciding reviewer last. */
  approvers?: string[];
  /** Event ids already folded into this view: makes the projection idempotent by event id. */
  appliedEventIds?: string[];
}

export interface ServedLesson {
  id: string; kind: LessonKind; text: string; version: number; scope: LessonClaim['scope'];
  /** `canary` when the session was drawn into the lesson's canary share. */
  stage?: 'canary' | 'active';
}

export interface DreamView {
  id: string;
  tenantId: string;
  status: 'requested' | 'running' | 'completed' | 'failed';
  trigger: string;
  requestedAt: string;
  completedAt?: string;
  counts?: Record<string, number>;
  tokens?: { input: number; output: number };
  durationMs?: number;
  proposedLessonIds: string[];
  reinforcedLessonIds: string[];
  error?: string;
}

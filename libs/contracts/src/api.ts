/**
 * Public HTTP APIs of the services: paths and response shapes shared by the services, the CLI
 * and the ingest client. Every service also answers `GET /health` with `HealthReport`.
 */
import type { LessonClaim, LessonKind } from './lesson.model';

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
  agentLessons: (agentId: string) => `/v1/agents/${agentId}/lessons`,
} as const;

export interface IngestRejection { index: number; eventId?: string; reason: string; }
export interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: IngestRejection[];
  /** What redaction removed from the accepted events, by kind (counts only, never values). */
  redactions?: Record<string, number>;
}

export type LessonStatus = 'proposed' | 'approved' | 'rejected' | 'retired';

export interface LessonView extends LessonClaim {
  id: string;
  tenantId: string;
  status: LessonStatus;
  version: number;
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

export interface ServedLesson { id: string; kind: LessonKind; text: string; version: number; scope: LessonClaim['scope']; }

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

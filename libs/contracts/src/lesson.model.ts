import { z } from 'zod';
import { isoDateTime, subjectToken } from './envelope';

/** The shape of a lesson's claim, shared by dreaming (which proposes) and governance (which decides). */
export const LessonKind = z.enum(['mistake', 'preference', 'workflow']);
export type LessonKind = z.infer<typeof LessonKind>;

export const lessonScopeSchema = z.object({
  tenantId: subjectToken('tenantId'),
  agentId: subjectToken('agentId').optional(),
  tools: z.array(z.string().min(1).max(200)).max(50).optional(),
  taskCluster: z.string().max(500).optional(),
});
export type LessonScope = z.infer<typeof lessonScopeSchema>;

/** One session behind a lesson's support: enough to recount the support without a source (revocation). */
export const supportSessionSchema = z.object({
  sessionId: z.string().min(1).max(128),
  /** The independent conversation it belongs to (sidechains and resumptions count with it). */
  rootId: z.string().min(1).max(128).optional(),
  /** The users the sighting names, as the ingesting credential asserted them. */
  userIds: z.array(z.string().min(1).max(256)).max(20).optional(),
  /** Who ingested it (the session events' `ingestedBy`). */
  ingestedBy: z.array(z.string().min(1).max(256)).max(4).optional(),
});
export type SupportSession = z.infer<typeof supportSessionSchema>;
/** The most sessions a lesson's support lists one by one; past that, a revocation recounts only these. */
export const MAX_SUPPORT_SESSIONS = 1000;

export const supportSchema = z.object({
  sessions: z.number().int().nonnegative(),
  distinctUsers: z.number().int().nonnegative(),
  occurrences: z.number().int().nonnegative(),
  firstSeen: isoDateTime,
  lastSeen: isoDateTime,
  /**
   * The identities that ingested the supporting sessions (their events' `ingestedBy`), sorted; at
   * most MAX_SUPPORT_SOURCES. None of them may approve the lesson.
   */
  sources: z.array(z.string().min(1).max(256)).max(200).optional(),
  /**
   * The distinct credentials that ingested the supporting sessions (the first of each `ingestedBy`):
   * independent sources as authenticated, reported beside `distinctUsers` (users as the credentials
   * asserted them). One credential inventing user ids raises the second, not this.
   */
  credentials: z.array(z.string().min(1).max(256)).max(200).optional(),
  /** The supporting sessions one by one (at most MAX_SUPPORT_SESSIONS). */
  provenance: z.array(supportSessionSchema).max(1000).optional(),
});
export const MAX_SUPPORT_SOURCES = 200;
export type Support = z.infer<typeof supportSchema>;

/**
 * What kind of event a piece of evidence is: what users said or rated is trusted; what the agent
 * said, and what tools, web pages and files returned, is not (it may carry injected instructions).
 */
export const EvidenceSourceKind = z.enum(['user-message', 'user-feedback', 'agent-message', 'tool-output', 'web-content', 'file-content']);
export type EvidenceSourceKind = z.infer<typeof EvidenceSourceKind>;
export const TRUSTED_EVIDENCE: ReadonlySet<EvidenceSourceKind> = new Set(['user-message', 'user-feedback']);

/** Points at one session event behind a lesson: lineage down to the event id. */
export const evidenceRefSchema = z.object({
  tenantId: subjectToken('tenantId'),
  sessionId: subjectToken('sessionId'),
  eventId: z.string().min(1).max(200),
  /** A short, redacted excerpt for the reviewer; untrusted data, never an instruction. */
  excerpt: z.string().max(2000).optional(),
  source: EvidenceSourceKind.optional(),
  /** Who ingested the session (its events' `ingestedBy`). */
  ingestedBy: z.array(z.string().min(1).max(256)).max(4).optional(),
});
export type EvidenceRef = z.infer<typeof evidenceRefSchema>;

export const evidenceSchema = z.object({
  refs: z.array(evidenceRefSchema).max(50),
  /** Totals behind the refs: e.g. { errors: 14, sessions: 5, failedSessions: 4 }. */
  counts: z.record(z.string(), z.number()),
});
export type Evidence = z.infer<typeof evidenceSchema>;

export const lessonClaimSchema = z.object({
  kind: LessonKind,
  scope: lessonScopeSchema,
  /** Imperative and actionable: what to do instead. */
  text: z.string().min(1).max(4000),
  rationale: z.string().max(4000).optional(),
  /** Stable identity of the pattern, used to dedup across dreams. */
  fingerprint: z.string().min(1).max(200),
  support: supportSchema,
  /** Effect size (e.g. failure-rate ratio or log-odds); null where it does not apply. */
  effectSize: z.number().nullable(),
  confidence: z.number().min(0).max(1),
  evidence: evidenceSchema,
});
export type LessonClaim = z.infer<typeof lessonClaimSchema>;

/**
 * A candidate lesson as the analysers produce it, before any writer touched it: the claim with
 * the deterministic template text, plus the structured facts a writer (template or Claude) may use.
 */
export const lessonCandidateSchema = lessonClaimSchema.extend({
  facts: z.record(z.string(), z.unknown()),
});
export type LessonCandidate = z.infer<typeof lessonCandidateSchema>;

/** Writes (or rewrites) the text of candidates. The template writer is pure; the Claude writer is I/O. */
export interface LessonWriter {
  readonly name: string;
  write(candidates: LessonCandidate[], options: { tokenBudget?: number }): Promise<LessonWriterResult>;
}
export interface LessonWriterResult {
  /** Candidates with their text written; a writer may merge or split candidates. */
  candidates: LessonCandidate[];
  tokens: { input: number; output: number };
  /** Which writer produced the text (e.g. 'template', 'claude:claude-sonnet-4-5', or 'template (fallback: budget)'). */
  writer: string;
  notes: string[];
  /** Sessions whose facts or excerpts the writer sent to an LLM (none for the template writer). */
  sentSessions?: string[];
}

import { z } from 'zod';
import { eventSchema } from './envelope';
import { lessonEventSchema, quarantinedSourceSchema } from './lesson.events';

/**
 * A tenant's governance has one aggregate of its own on LESSONS, beside its lessons:
 * `lessons.<tenant>._tenant`. Lesson ids never start with `_`, so it cannot collide with one.
 */
export const TENANT_STREAM_ID = '_tenant';

/** An admin changed the tenant's governance policy: the whole policy as it now is, and which parts changed. */
export const TenantPolicySet = eventSchema('TenantPolicySet', z.object({
  /** Validated by lesson-governance (its policy schema) before it is appended. */
  policy: z.record(z.string(), z.unknown()),
  changed: z.array(z.string().min(1).max(100)).max(20),
}));

/** What a revocation did to one lesson. */
export const revokedLessonSchema = z.object({
  lessonId: z.string().min(1).max(128),
  fingerprint: z.string().min(1).max(200),
  before: z.object({ sessions: z.number().int().nonnegative(), users: z.number().int().nonnegative(), credentials: z.number().int().nonnegative() }),
  after: z.object({ sessions: z.number().int().nonnegative(), users: z.number().int().nonnegative(), credentials: z.number().int().nonnegative() }),
  /**
   * `rolled-back`: served, not enough support left, no longer served; `back-to-review`: served, enough left, withdrawn until approved again;
   * `rejected`: in review, not enough left; `support-reduced`: only its support changed; `words-erased`: its words quoted erased data,
   * so they were shredded and the lesson closed whatever was left.
   */
  action: z.enum(['rolled-back', 'back-to-review', 'rejected', 'support-reduced', 'words-erased']),
  status: z.string().min(1).max(40),
});

/**
 * Sources quarantined in one action, with the one audit record of what it changed: every lesson
 * they supported, its support before and after, and what happened to it. Later dreams leave the
 * sources out.
 */
export const SourcesQuarantined = eventSchema('SourcesQuarantined', z.object({
  revocationId: z.string().min(1).max(200),
  sources: z.array(quarantinedSourceSchema).min(1).max(100),
  reason: z.string().min(1).max(4000),
  lessons: z.array(revokedLessonSchema).max(10_000),
}));

/**
 * An erasure (right to erasure): who asked, when, why, how much was erased and what it did to the
 * lessons, never whom it was about (no user or session id is kept: the record says that data
 * existed and was erased, without keeping the data).
 */
export const DataErased = eventSchema('DataErased', z.object({
  erasureId: z.string().min(1).max(200),
  reason: z.string().min(1).max(4000),
  scope: z.object({ users: z.number().int().nonnegative(), sessions: z.number().int().nonnegative() }),
  /** What was erased or purged: data keys shredded, session read-model rows, dreaming's signal rows. */
  artifacts: z.record(z.string(), z.number().int().nonnegative()),
  lessons: z.array(revokedLessonSchema).max(10_000),
}));

export const tenantEventSchema = z.discriminatedUnion('type', [TenantPolicySet, SourcesQuarantined, DataErased]);
export type TenantEvent = z.infer<typeof tenantEventSchema>;

/** Everything the LESSONS stream holds: lesson events, and the tenant aggregate's events. */
export const lessonsStreamEventSchema = z.union([lessonEventSchema, tenantEventSchema]);
export type LessonsStreamEvent = z.infer<typeof lessonsStreamEventSchema>;
export const isTenantEvent = (e: LessonsStreamEvent): e is TenantEvent => e.streamId === TENANT_STREAM_ID && (e.type === 'TenantPolicySet' || e.type === 'SourcesQuarantined' || e.type === 'DataErased');

/** `reverie.cmd.lessons.erase.<tenant>` (session-ingest → lesson-governance): recount the lessons without erased data and record the erasure. */
/**
 * Salted fingerprints of what erased sessions said (content-crypto's quote-fingerprints): how
 * governance finds a lesson whose words quote them without the words travelling. Never stored.
 */
export const quoteFingerprintsSchema = z.object({
  salt: z.string().min(16).max(128),
  packed: z.string().max(700_000),
  overflow: z.literal(true).optional(),
});

export const lessonErasureRequestSchema = z.object({
  erasureId: z.string().min(1).max(200),
  /** User ids as the sessions hold them, and session ids: what the lessons' support must lose. */
  users: z.array(z.string().min(1).max(256)).max(100),
  sessions: z.array(z.string().min(1).max(128)).max(10_000),
  reason: z.string().min(1).max(4000),
  /** The admin who asked, as session-ingest verified their credential. */
  requestedBy: z.string().min(1).max(256),
  artifacts: z.record(z.string(), z.number().int().nonnegative()),
  quotes: quoteFingerprintsSchema.optional(),
});
export type LessonErasureRequest = z.infer<typeof lessonErasureRequestSchema>;
export type LessonErasureReply = { ok: true; lessons: z.infer<typeof revokedLessonSchema>[] } | { ok: false; error: string };

/** `reverie.cmd.dreaming.erase.<tenant>` (session-ingest → dreaming): purge what dreaming derived from these sessions. */
export const dreamingErasureRequestSchema = z.object({
  erasureId: z.string().min(1).max(200),
  sessions: z.array(z.string().min(1).max(128)).max(10_000),
  /** Fresh for each erasure: dreaming answers with the fingerprints of the signals' words under it. */
  quoteSalt: z.string().min(16).max(128).optional(),
  /** false: only count and fingerprint (before governance acts); true (the default): delete the signals. */
  purge: z.boolean().default(true),
});
export type DreamingErasureRequest = z.infer<typeof dreamingErasureRequestSchema>;
export type DreamingErasureReply =
  | { ok: true; signalRows: number; sessionsSentToLlm: number; quotes?: z.infer<typeof quoteFingerprintsSchema> }
  | { ok: false; error: string };

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
  /** `rolled-back`: served, not enough support left, no longer served; `back-to-review`: served, enough left, withdrawn until approved again; `rejected`: in review, not enough left; `support-reduced`: only its support changed. */
  action: z.enum(['rolled-back', 'back-to-review', 'rejected', 'support-reduced']),
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

export const tenantEventSchema = z.discriminatedUnion('type', [TenantPolicySet, SourcesQuarantined]);
export type TenantEvent = z.infer<typeof tenantEventSchema>;

/** Everything the LESSONS stream holds: lesson events, and the tenant aggregate's events. */
export const lessonsStreamEventSchema = z.union([lessonEventSchema, tenantEventSchema]);
export type LessonsStreamEvent = z.infer<typeof lessonsStreamEventSchema>;
export const isTenantEvent = (e: LessonsStreamEvent): e is TenantEvent => e.streamId === TENANT_STREAM_ID && (e.type === 'TenantPolicySet' || e.type === 'SourcesQuarantined');

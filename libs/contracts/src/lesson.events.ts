import { z } from 'zod';
import { eventSchema } from './envelope';
import { evidenceSchema, lessonClaimSchema, supportSchema } from './lesson.model';

/** LESSONS stream: one aggregate per lesson, subject `lessons.<tenant>.<lessonId>`. */
export const LessonProposed = eventSchema('LessonProposed', lessonClaimSchema.extend({
  dreamId: z.string().min(1),
}));

/** New evidence for a pattern a lesson already covers: strengthens it instead of a twin proposal. */
export const LessonEvidenceAdded = eventSchema('LessonEvidenceAdded', z.object({
  dreamId: z.string().min(1),
  support: supportSchema,
  evidence: evidenceSchema,
  confidence: z.number().min(0).max(1),
}));

/**
 * One approval of several the tenant's policy requires (two-person rule): the lesson stays
 * proposed until `required` distinct approvers have approved it; the last one's approval is the
 * LessonApproved.
 */
export const LessonApprovalRecorded = eventSchema('LessonApprovalRecorded', z.object({
  reviewer: z.string().min(1).max(256),
  note: z.string().max(4000).optional(),
  /** Approvals of this proposal so far, this one included. */
  approvals: z.number().int().positive(),
  required: z.number().int().min(2).max(10),
}));

export const LessonApproved = eventSchema('LessonApproved', z.object({
  reviewer: z.string().min(1).max(256),
  note: z.string().max(4000).optional(),
  /** Version of the lesson text that was approved (increments on each approval). */
  version: z.number().int().positive(),
  /** Every approver of this version, the deciding reviewer last, when the policy required more than one. */
  approvers: z.array(z.string().min(1).max(256)).max(10).optional(),
}));

export const LessonRejected = eventSchema('LessonRejected', z.object({
  reviewer: z.string().min(1).max(256),
  reason: z.string().min(1).max(4000),
  /** Support at rejection: the lesson is proposed again only if support grows past a factor of it. */
  supportAtRejection: z.number().int().nonnegative(),
}));

export const LessonReopened = eventSchema('LessonReopened', z.object({
  dreamId: z.string().min(1),
  reason: z.string().max(4000),
}));

export const LessonRetired = eventSchema('LessonRetired', z.object({
  by: z.string().min(1).max(256),
  reason: z.string().min(1).max(4000),
}));

export const lessonEventSchema = z.discriminatedUnion('type', [
  LessonProposed, LessonEvidenceAdded, LessonApprovalRecorded, LessonApproved, LessonRejected, LessonReopened, LessonRetired,
]);
export type LessonEvent = z.infer<typeof lessonEventSchema>;
export type LessonEventType = LessonEvent['type'];

import { z } from 'zod';
import { eventSchema, isoDateTime } from './envelope';
import { evidenceSchema, lessonClaimSchema, supportSchema } from './lesson.model';

/** LESSONS stream: one aggregate per lesson, subject `lessons.<tenant>.<lessonId>`. */
export const LessonProposed = eventSchema('LessonProposed', lessonClaimSchema.extend({
  dreamId: z.string().min(1),
  /** SHA-256 of the text as proposed (the text itself is sealed on the log; the hash is what approvals bind to). */
  textHash: z.string().regex(/^[0-9a-f]{64}$/).optional(),
}));

/** New evidence for a pattern a lesson already covers: strengthens it instead of a twin proposal. */
export const LessonEvidenceAdded = eventSchema('LessonEvidenceAdded', z.object({
  dreamId: z.string().min(1),
  support: supportSchema,
  evidence: evidenceSchema,
  confidence: z.number().min(0).max(1),
}));

/** SHA-256 (hex) of a lesson text version: what an approval binds to. */
export const textHashSchema = z.string().regex(/^[0-9a-f]{64}$/, 'a text hash is 64 hexadecimal characters (SHA-256)');

/** One rule a text broke, named, with the offending part as found. */
export const policyViolationSchema = z.object({
  rule: z.string().min(1).max(120),
  detail: z.string().max(1000),
  match: z.string().max(500),
});
export type PolicyViolation = z.infer<typeof policyViolationSchema>;

/**
 * The tenant's guardrails ran over a text version (on proposal, on each edit, on reopening):
 * `block` keeps the lesson from review until an edit passes, `pass` puts it in review.
 */
export const LessonPolicyChecked = eventSchema('LessonPolicyChecked', z.object({
  textVersion: z.number().int().positive(),
  textHash: textHashSchema,
  verdict: z.enum(['pass', 'block']),
  violations: z.array(policyViolationSchema).max(50),
}));

/** A reviewer's edit of the text before approving it: a new text version with its own hash, and the diff. */
export const LessonEdited = eventSchema('LessonEdited', z.object({
  textVersion: z.number().int().min(2),
  text: z.string().min(1).max(4000),
  rationale: z.string().max(4000).optional(),
  textHash: textHashSchema,
  previousTextHash: textHashSchema,
  /** Word diff of the previous text to this one: `[-removed-]{+added+}` around what changed. */
  diff: z.string().max(20_000),
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
  /** The text version approved; an edit voids the approvals of the previous version. */
  textHash: textHashSchema.optional(),
  required: z.number().int().min(2).max(10),
}));

export const LessonApproved = eventSchema('LessonApproved', z.object({
  reviewer: z.string().min(1).max(256),
  note: z.string().max(4000).optional(),
  /** Version of the lesson text that was approved (increments on each approval). */
  version: z.number().int().positive(),
  /** Every approver of this version, the deciding reviewer last, when the policy required more than one. */
  approvers: z.array(z.string().min(1).max(256)).max(10).optional(),
  /** The text version approved (absent in approvals recorded before text versions: the proposed text). */
  textVersion: z.number().int().positive().optional(),
  textHash: textHashSchema.optional(),
  /**
   * How it reaches agents: `canary` serves it to `share` of the sessions (stable hash) until
   * `promoteAt` or an approver's promotion; `active` serves it to all. Absent: active.
   */
  rollout: z.discriminatedUnion('stage', [
    z.object({ stage: z.literal('canary'), share: z.number().gt(0).lt(1), promoteAt: isoDateTime }),
    z.object({ stage: z.literal('active') }),
  ]).optional(),
  /** After this date the lesson is no longer served until it is reviewed again (LessonExpired). */
  reviewBy: isoDateTime.optional(),
}));

/** A source to quarantine: a session, a user (as sessions name them) or an ingesting credential. */
export const quarantinedSourceSchema = z.object({
  kind: z.enum(['session', 'user', 'credential']),
  id: z.string().min(1).max(256),
});
export type QuarantinedSource = z.infer<typeof quarantinedSourceSchema>;

/**
 * Support that came from quarantined sources no longer counts: `support` is what is left without
 * them (`removedSessions` sessions fewer). A revocation writes it, followed by whatever the rest of
 * its support allows (a rollback, a rejection, or nothing).
 */
export const LessonEvidenceRevoked = eventSchema('LessonEvidenceRevoked', z.object({
  revocationId: z.string().min(1).max(200),
  sources: z.array(quarantinedSourceSchema).min(1).max(100),
  support: supportSchema,
  removedSessions: z.number().int().nonnegative(),
  /**
   * An erasure found the lesson's words (text, rationale, an earlier version) quoting the erased
   * content: its key is shredded, its words read "[erased]" everywhere, and it is closed for good
   * (never approved, edited or reopened again); a later dream may propose the pattern afresh, in new
   * words, from what is left.
   */
  wordsErased: z.literal(true).optional(),
}));

/** A canary lesson goes to every agent: by an approver, or by governance once the canary period is over. */
export const LessonPromoted = eventSchema('LessonPromoted', z.object({
  version: z.number().int().positive(),
  reason: z.string().min(1).max(4000),
}));

/**
 * The live version is withdrawn in one action: the previous live version is served again
 * (`toVersion`), or, when there is none, nothing of this lesson is.
 */
export const LessonRolledBack = eventSchema('LessonRolledBack', z.object({
  fromVersion: z.number().int().positive(),
  toVersion: z.number().int().positive().optional(),
  reason: z.string().min(1).max(4000),
  /** Withdrawn and back in review (a revocation left it enough support): served again only after a new approval. */
  reviewAgain: z.boolean().optional(),
}));

/** The review-by date of the live version passed: no longer served until reviewed and approved again. */
export const LessonExpired = eventSchema('LessonExpired', z.object({
  version: z.number().int().positive(),
  reviewBy: isoDateTime,
}));

export const LessonRejected = eventSchema('LessonRejected', z.object({
  reviewer: z.string().min(1).max(256),
  reason: z.string().min(1).max(4000),
  /** Support at rejection: the lesson is proposed again only if support grows past a factor of it. */
  supportAtRejection: z.number().int().nonnegative(),
}));

export const LessonReopened = eventSchema('LessonReopened', z.object({
  /** The dream whose support reopened it; absent when a reviewer did. */
  dreamId: z.string().min(1).optional(),
  reason: z.string().max(4000),
}));

export const LessonRetired = eventSchema('LessonRetired', z.object({
  by: z.string().min(1).max(256),
  reason: z.string().min(1).max(4000),
}));

export const lessonEventSchema = z.discriminatedUnion('type', [
  LessonProposed, LessonEvidenceAdded, LessonPolicyChecked, LessonEdited, LessonApprovalRecorded, LessonApproved, LessonRejected,
  LessonReopened, LessonRetired, LessonPromoted, LessonRolledBack, LessonExpired, LessonEvidenceRevoked,
]);
export type LessonEvent = z.infer<typeof lessonEventSchema>;
export type LessonEventType = LessonEvent['type'];

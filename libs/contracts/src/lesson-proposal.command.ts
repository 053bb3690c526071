import { z } from 'zod';
import { isoDateTime, subjectToken } from './envelope';
import { lessonCandidateSchema } from './lesson.model';

/**
 * `reverie.cmd.lessons.propose.<tenant>` (core NATS request/reply): dreaming asks lesson-governance,
 * the only writer of LESSONS, to apply one candidate of a dream to its lesson. The tenant is the
 * subject's token (the NATS permissions decide who may publish there), never the payload's; the
 * actor of the resulting events is set by governance. Governance answers once the events are
 * stored on LESSONS (or with nothing to append: unchanged, refused).
 */
export const LessonProposalAction = z.enum(['propose', 'reinforce', 'reopen']);
export type LessonProposalAction = z.infer<typeof LessonProposalAction>;

export const lessonProposalRequestSchema = z.object({
  dreamId: subjectToken('dreamId'),
  /** The dream's DreamStarted event: the causation of the lesson events. */
  causationId: z.string().min(1).max(200),
  /** The dream's clock: occurredAt/recordedAt of the lesson events. */
  now: isoDateTime,
  /** What the dream's dedup planned: a new lesson, evidence for an existing one, or reopening a rejected one. */
  action: LessonProposalAction,
  lessonId: subjectToken('lessonId'),
  candidate: lessonCandidateSchema,
  /** A rejected lesson is reopened once its support reached this many times its support at rejection. */
  rejectedRegrowthFactor: z.number().min(1).max(1000),
});
export type LessonProposalRequest = z.infer<typeof lessonProposalRequestSchema>;

export const LessonProposalOutcome = z.enum(['proposed', 'reinforced', 'reopened', 'unchanged', 'refused']);
export type LessonProposalOutcome = z.infer<typeof LessonProposalOutcome>;

export const lessonProposalReplySchema = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    lessonId: z.string().min(1),
    fingerprint: z.string().min(1),
    outcome: LessonProposalOutcome,
    /** Why nothing was appended: the lesson decider's refusal, or nothing new. */
    note: z.string().optional(),
  }),
  /** The request was malformed, or could not be carried out now (retrying is safe: the event ids derive from the dream). */
  z.object({ ok: z.literal(false), error: z.string() }),
]);
export type LessonProposalReply = z.infer<typeof lessonProposalReplySchema>;
export type LessonProposalResult = Extract<LessonProposalReply, { ok: true }>;

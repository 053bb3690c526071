import { z } from 'zod';
import { LESSON_STATUSES, textHashSchema, type LessonStatus } from '@reverie/contracts';

const reason = z.string({ error: 'expected a string' }).max(4000);

/**
 * A field that used to name who decided. The decider is the verified caller (its API key or
 * token), never a name the caller wrote, so a body that still names one is refused (400) rather
 * than silently ignored: the caller learns the audit will not say what it asked for.
 */
const credentialOnly = (what: string) =>
  z.never({ error: `not accepted: the ${what} is the authenticated caller (its API key or token), never a name in the body; remove this field` }).optional();

/** Bodies of the decision routes. Shape is checked here (400); meaning, e.g. a blank reason, by the decider (422). */
export const approveBody = z.object({
  reviewer: credentialOnly('reviewer'),
  note: z.string({ error: 'expected a string' }).max(4000).optional(),
  /** The text version the approver read (the lesson's `textHash`): the approval binds to it, and is refused if the text changed since. */
  textHash: textHashSchema.optional(),
});
export const rejectBody = z.object({ reviewer: credentialOnly('reviewer'), reason });
export const retireBody = z.object({ by: credentialOnly('retiring approver'), reason });
/** Promote, roll back, reopen: a reason for the audit. */
export const reasonBody = z.object({ by: credentialOnly('deciding reviewer'), reason });
export const editBody = z.strictObject({
  text: z.string({ error: 'expected the new text (a string)' }).max(4000, 'at most 4000 characters'),
  rationale: z.string({ error: 'expected a string' }).max(4000).optional(),
}, { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.join(', ')}: expected { text, rationale? }` : undefined) });
export type ApproveBody = z.infer<typeof approveBody>;
export type RejectBody = z.infer<typeof rejectBody>;
export type RetireBody = z.infer<typeof retireBody>;

/** The statuses a list may be filtered by: each lifecycle status, and `approved` for every served one (canary or active). */
export const LESSON_STATUS_FILTERS = [...LESSON_STATUSES, 'approved'] as const;
export const APPROVED_STATUSES: readonly LessonStatus[] = ['canary', 'active'];
export const listLessonsQuery = z.object({
  status: z.enum(LESSON_STATUS_FILTERS, { error: `expected one of ${LESSON_STATUS_FILTERS.join(', ')}` }).optional(),
  limit: z.coerce.number({ error: 'expected a number' }).int('expected a whole number').min(1).max(5000).default(50),
});
export type ListLessonsQuery = z.infer<typeof listLessonsQuery>;

export const lessonIdParam = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'lesson id must be 1-128 characters of A-Z a-z 0-9 _ -');

/** `GET /v1/lessons/changes?since=2026-11-01` (a date or a date-time). */
export const changesQuery = z.strictObject({
  since: z.string({ error: 'expected since: a date (2026-11-01) or an ISO date-time' }).refine((v) => /^\d{4}-\d{2}-\d{2}/.test(v) && !Number.isNaN(Date.parse(v)), 'expected a date (2026-11-01) or an ISO date-time'),
});

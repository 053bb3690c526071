import { z } from 'zod';
import { eventSchema } from './envelope';
import { SessionOutcome } from './session.events';

/** SERVING stream: what an agent was served, subject `serving.<tenant>.<agentId>`. */
export const LessonsServed = eventSchema('LessonsServed', z.object({
  agentId: z.string().min(1),
  sessionId: z.string().optional(),
  lessons: z.array(z.object({ lessonId: z.string(), version: z.number().int().positive(), stage: z.enum(['canary', 'active']).optional() })),
  /**
   * Canary lessons this session was not drawn for (the control arm): what efficacy compares the
   * served canary sessions with. The draw is stable per session (or agent when none is named).
   */
  withheld: z.array(z.object({ lessonId: z.string(), version: z.number().int().positive() })).optional(),
}));

/**
 * An agent's report on a session it was served lessons in: how it ended, and/or a thumbs up or
 * down on one lesson. What efficacy reads beside SESSIONS' own outcomes.
 */
export const OutcomeReported = eventSchema('OutcomeReported', z.object({
  agentId: z.string().min(1),
  sessionId: z.string().min(1).max(200),
  outcome: SessionOutcome.optional(),
  lessonId: z.string().min(1).max(128).optional(),
  rating: z.enum(['up', 'down']).optional(),
}).refine((d) => d.outcome !== undefined || d.rating !== undefined, 'an outcome, a rating, or both')
  .refine((d) => (d.rating === undefined) === (d.lessonId === undefined), 'a rating names the lesson it rates, and only then'));

export const servingEventSchema = z.discriminatedUnion('type', [LessonsServed, OutcomeReported]);
export type ServingEvent = z.infer<typeof servingEventSchema>;

import { z } from 'zod';
import { eventSchema } from './envelope';

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

export const servingEventSchema = z.discriminatedUnion('type', [LessonsServed]);
export type ServingEvent = z.infer<typeof servingEventSchema>;

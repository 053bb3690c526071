import { z } from 'zod';
import { eventSchema } from './envelope';

/** SERVING stream: what an agent was served, subject `serving.<tenant>.<agentId>`. */
export const LessonsServed = eventSchema('LessonsServed', z.object({
  agentId: z.string().min(1),
  sessionId: z.string().optional(),
  lessons: z.array(z.object({ lessonId: z.string(), version: z.number().int().positive() })),
}));

export const servingEventSchema = z.discriminatedUnion('type', [LessonsServed]);
export type ServingEvent = z.infer<typeof servingEventSchema>;

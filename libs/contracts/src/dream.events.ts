import { z } from 'zod';
import { eventSchema } from './envelope';

/** DREAMS stream: one aggregate per dream run, subject `dreams.<tenant>.<dreamId>`. */
export const DreamTrigger = z.enum(['manual', 'schedule', 'session-count']);

export const DreamRequested = eventSchema('DreamRequested', z.object({
  trigger: DreamTrigger,
  requestedBy: z.string().min(1).max(256),
}));

export const DreamStarted = eventSchema('DreamStarted', z.object({
  /** Input window as SESSIONS stream sequences, inclusive. */
  window: z.object({ fromSeq: z.number().int().nonnegative(), toSeq: z.number().int().nonnegative() }),
  analyzerVersion: z.string().min(1),
  thresholds: z.record(z.string(), z.union([z.number(), z.string()])),
  synthesizer: z.string().min(1),
}));

const armCounts = z.object({ sessions: z.number().int().nonnegative(), recurred: z.number().int().nonnegative(), failed: z.number().int().nonnegative() });

/** What a dream measured of one live lesson version: does its pattern recur less in the sessions served it? */
export const lessonEfficacySchema = z.object({
  lessonId: z.string().min(1).max(128),
  version: z.number().int().positive(),
  served: armCounts,
  /** Sessions not served it: the canary's control arm and the randomized holdout. */
  control: armCounts,
  /** Control recurrence rate − served recurrence rate, with its 95% interval. */
  effect: z.number(),
  interval: z.tuple([z.number(), z.number()]),
  pHelps: z.number().min(0).max(1),
  pHarms: z.number().min(0).max(1),
  verdict: z.enum(['measuring', 'helps', 'no-effect', 'harms']),
  /** Harmful beyond doubt: a tenant whose policy says so rolls it back. */
  rollBack: z.boolean(),
});
export type LessonEfficacyRecord = z.infer<typeof lessonEfficacySchema>;

export const DreamCompleted = eventSchema('DreamCompleted', z.object({
  counts: z.record(z.string(), z.number().int().nonnegative()),
  tokens: z.object({ input: z.number().int().nonnegative(), output: z.number().int().nonnegative() }),
  durationMs: z.number().nonnegative(),
  proposedLessonIds: z.array(z.string()),
  reinforcedLessonIds: z.array(z.string()),
  /**
   * What left the system: the sessions whose redacted facts and excerpts the writer sent to an LLM
   * (absent: nothing was sent). An erasure reports whether a user's sessions are among them.
   */
  sentToLlm: z.object({ writer: z.string().max(200), sessions: z.array(z.string().min(1).max(128)).max(20_000) }).optional(),
  /** The efficacy of every live lesson as this dream measured it (lesson-governance shows it and acts on it). */
  efficacy: z.array(lessonEfficacySchema).max(10_000).optional(),
}));

export const DreamFailed = eventSchema('DreamFailed', z.object({
  error: z.string().max(10_000),
}));

export const dreamEventSchema = z.discriminatedUnion('type', [DreamRequested, DreamStarted, DreamCompleted, DreamFailed]);
export type DreamEvent = z.infer<typeof dreamEventSchema>;

import type { LessonEvent, LessonEventType } from '@reverie/contracts';

/** An event as a decider returns it: type and data only; envelopes are built by `toEnvelopes`. */
export type LessonEventRecord = {
  [K in LessonEventType]: { type: K; data: Extract<LessonEvent, { type: K }>['data'] };
}[LessonEventType];

export type LessonEventOf<K extends LessonEventType> = Extract<LessonEvent, { type: K }>;

import type { LessonEvent } from '@reverie/contracts';
import { decide } from '../lesson/lesson.decider';
import { LessonDomainError } from '../lesson/lesson-domain.error';
import type { LessonEventRecord } from '../lesson/lesson.event-records';
import { evolveAll } from '../lesson/lesson.state';
import { givenWhenThen } from './decider-spec';
import { stored } from './lesson.fixtures';

/** `given(history).when(command).then(newEvents)` or `.thenThrows(code)`, for the lesson decider. */
export const given = givenWhenThen(
  { evolveAll, decide, isError: (e: unknown): e is LessonDomainError => e instanceof LessonDomainError },
  (e: LessonEventRecord | LessonEvent) => stored(e),
);

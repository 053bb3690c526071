import type { LessonEvent } from '@reverie/contracts';
import type { LessonCommand } from '../lesson/lesson.commands';
import { decide } from '../lesson/lesson.decider';
import { LessonDomainError, type LessonDomainErrorCode } from '../lesson/lesson-domain.error';
import type { LessonEventRecord } from '../lesson/lesson.event-records';
import { evolveAll } from '../lesson/lesson.state';
import { stored } from './lesson.fixtures';

/** `given(history).when(command).then(newEvents)` or `.thenThrows(code)`, for the lesson decider. */
export function given(history: Array<LessonEventRecord | LessonEvent>) {
  const state = evolveAll(history.map((e) => stored(e)));
  return {
    when(command: LessonCommand) {
      return {
        then(expected: LessonEventRecord[]) {
          expect(decide(command, state)).toEqual(expected);
        },
        thenThrows(code: LessonDomainErrorCode, message?: RegExp) {
          let error: unknown;
          try {
            decide(command, state);
          } catch (e) {
            error = e;
          }
          expect(error).toBeInstanceOf(LessonDomainError);
          expect((error as LessonDomainError).code).toBe(code);
          if (message) expect((error as LessonDomainError).message).toMatch(message);
        },
      };
    },
  };
}

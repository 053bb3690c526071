import type { LessonEvent } from '@reverie/contracts';
import { decideDreamCandidate, type DreamCandidate, type DreamCandidateDecision } from '../lesson/dream-candidate';
import { LessonDomainError, type LessonDomainErrorCode } from '../lesson/lesson-domain.error';
import type { LessonEventRecord } from '../lesson/lesson.event-records';
import type { PolicyCheck, PolicySubject } from '../lesson/lesson.commands';
import { LESSON_ID, meta, PASSING, stored, TENANT } from './lesson.fixtures';

/** `given(history).when(dreamCandidate).then(decision)` or `.thenThrows(code)`, for `decideDreamCandidate` as the dreaming service calls it. */
export function given(history: (LessonEventRecord | LessonEvent)[], checkPolicy: (lesson: PolicySubject) => PolicyCheck = () => PASSING) {
  const lesson = { tenantId: TENANT, lessonId: LESSON_ID, history: history.map((e) => stored(e)) };
  return {
    when(dream: DreamCandidate) {
      const decideIt = () => decideDreamCandidate(lesson, dream, meta(), checkPolicy);
      return {
        then(expected: DreamCandidateDecision) {
          expect(decideIt()).toEqual(expected);
        },
        thenThrows(code: LessonDomainErrorCode, message?: RegExp) {
          let error: unknown;
          try {
            decideIt();
          } catch (e) {
            error = e;
          }
          expect(error).toBeInstanceOf(LessonDomainError);
          expect((error as LessonDomainError).code).toBe(code);
          if (message) expect((error as Error).message).toMatch(message);
        },
      };
    },
  };
}

import { HttpException, HttpStatus } from '@nestjs/common';
import type { LessonDomainError, LessonDomainErrorCode } from '@reverie/lesson-domain';

/** HTTP status for each reason the decider refuses a command. */
export const STATUS_BY_CODE: Record<LessonDomainErrorCode, number> = {
  'not-found': HttpStatus.NOT_FOUND,
  // The lesson's state forbids it: a conflict with what the log already holds.
  'already-proposed': HttpStatus.CONFLICT,
  'already-approved': HttpStatus.CONFLICT,
  'already-rejected': HttpStatus.CONFLICT,
  'already-retired': HttpStatus.CONFLICT,
  'not-proposed': HttpStatus.CONFLICT,
  'not-approved': HttpStatus.CONFLICT,
  'not-rejected': HttpStatus.CONFLICT,
  // Who asks may not do it.
  'not-a-reviewer': HttpStatus.FORBIDDEN,
  'separation-of-duties': HttpStatus.FORBIDDEN,
  'already-approved-by-reviewer': HttpStatus.CONFLICT,
  'not-editable': HttpStatus.CONFLICT,
  'stale-version': HttpStatus.CONFLICT,
  'not-in-review': HttpStatus.CONFLICT,
  'blocked-by-policy': HttpStatus.CONFLICT,
  'not-canary': HttpStatus.CONFLICT,
  'canary-not-over': HttpStatus.CONFLICT,
  'not-due': HttpStatus.CONFLICT,
  'words-erased': HttpStatus.CONFLICT,
  'text-required': HttpStatus.UNPROCESSABLE_ENTITY,
  'unchanged-text': HttpStatus.UNPROCESSABLE_ENTITY,
  // Well-formed but meaningless requests.
  'reason-required': HttpStatus.UNPROCESSABLE_ENTITY,
  'invalid-command': HttpStatus.UNPROCESSABLE_ENTITY,
  'insufficient-support-growth': HttpStatus.UNPROCESSABLE_ENTITY,
  // The stored log is not what the read model expects: our fault, not the caller's.
  'invalid-event': HttpStatus.INTERNAL_SERVER_ERROR,
  'view-missing': HttpStatus.INTERNAL_SERVER_ERROR,
};

export const problemType = (code: string) => `urn:reverie:problem:lesson:${code}`;

/** A domain refusal as problem+json: stable `code` and `type` for programs, the decider's reason as `detail`. */
export function lessonProblem(err: LessonDomainError): HttpException {
  const status = STATUS_BY_CODE[err.code] ?? HttpStatus.UNPROCESSABLE_ENTITY;
  return new HttpException({ type: problemType(err.code), detail: err.message, code: err.code }, status);
}

/** Still conflicting after the retries: another writer keeps winning. */
export function concurrencyProblem(lessonId: string, attempts: number): HttpException {
  return new HttpException(
    { type: problemType('concurrent-modification'), code: 'concurrent-modification', detail: `lesson ${lessonId} was changed concurrently ${attempts} times in a row; read it again and retry` },
    HttpStatus.CONFLICT,
  );
}

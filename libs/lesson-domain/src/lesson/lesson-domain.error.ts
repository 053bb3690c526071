/** Why a lesson command was refused; `code` is stable and meant for programs, `message` for people. */
export type LessonDomainErrorCode =
  | 'invalid-command'
  | 'invalid-event'
  | 'not-found'
  | 'already-proposed'
  | 'already-approved'
  | 'already-rejected'
  | 'already-retired'
  | 'not-proposed'
  | 'not-approved'
  | 'not-rejected'
  | 'not-a-reviewer'
  | 'separation-of-duties'
  | 'already-approved-by-reviewer'
  | 'not-editable'
  | 'text-required'
  | 'unchanged-text'
  | 'stale-version'
  | 'not-in-review'
  | 'blocked-by-policy'
  | 'not-canary'
  | 'canary-not-over'
  | 'not-due'
  | 'reason-required'
  | 'insufficient-support-growth'
  | 'view-missing'
  | 'words-erased';

export class LessonDomainError extends Error {
  override readonly name = 'LessonDomainError';
  constructor(
    readonly code: LessonDomainErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Why a dream command was refused; `code` is stable and meant for programs, `message` for people. */
export type DreamDomainErrorCode =
  | 'invalid-command'
  | 'not-found'
  | 'already-requested'
  | 'already-started'
  | 'not-started'
  | 'already-completed'
  | 'already-failed';

export class DreamDomainError extends Error {
  override readonly name = 'DreamDomainError';
  constructor(
    readonly code: DreamDomainErrorCode,
    message: string,
  ) {
    super(message);
  }
}

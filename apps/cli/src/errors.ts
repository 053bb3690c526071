/** An error the CLI reports to people in one line (and as `{ error }` with --json). */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1, readonly httpStatus?: number) {
    super(message);
    this.name = 'CliError';
  }
}

/** The file as a whole cannot be imported: unknown format, not JSON at all, or no usable content. */
export class ImportError extends Error {
  constructor(readonly file: string, reason: string) {
    super(`${file}: ${reason}`);
    this.name = 'ImportError';
  }
}

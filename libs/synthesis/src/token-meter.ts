/** Tokens actually used, from each response's `usage`. Cache reads and writes count as input. */
export class TokenMeter {
  uncachedInput = 0;
  cacheRead = 0;
  cacheWrite = 0;
  output = 0;
  responses = 0;

  add(usage: {
    input_tokens: number;
    output_tokens: number;
    cache_read_input_tokens?: number | null;
    cache_creation_input_tokens?: number | null;
  }): void {
    this.uncachedInput += usage.input_tokens;
    this.cacheRead += usage.cache_read_input_tokens ?? 0;
    this.cacheWrite += usage.cache_creation_input_tokens ?? 0;
    this.output += usage.output_tokens;
    this.responses += 1;
  }

  get input(): number {
    return this.uncachedInput + this.cacheRead + this.cacheWrite;
  }

  get total(): number {
    return this.input + this.output;
  }

  fields(): Record<string, number> {
    return {
      inputTokens: this.input,
      uncachedInputTokens: this.uncachedInput,
      cacheReadTokens: this.cacheRead,
      cacheWriteTokens: this.cacheWrite,
      outputTokens: this.output,
      responses: this.responses,
    };
  }

  describe(): string {
    return `tokens used: input ${this.input} (uncached ${this.uncachedInput}, cache read ${this.cacheRead}, cache write ${this.cacheWrite}), output ${this.output}, over ${this.responses} response(s)`;
  }
}

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createRedactor } from './redactor';

/** The real transcripts bundled in samples/real. */
const SAMPLES = resolve(__dirname, '../../../samples/real');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

describe('redaction over the real sample transcripts', () => {
  const redactor = createRedactor();
  const all = files(SAMPLES);

  it('finds the sample files', () => {
    expect(all.length).toBeGreaterThanOrEqual(10);
  });

  it.each(all.map((f) => [f.slice(SAMPLES.length + 1), f]))('%s: no exception, no absurd amount redacted', (_name, file) => {
    const raw = readFileSync(file, 'utf8');
    const { text, counts } = redactor.redactText(raw);
    const findings = Object.values(counts).reduce((a, b) => a + b, 0);
    // Real transcripts hold a few addresses and thinking-block signatures, not hundreds of secrets.
    expect(findings).toBeLessThanOrEqual(Math.max(25, raw.length / 10_000));
    expect(text.length).toBeGreaterThan(raw.length * 0.95);
    // JSON structure survives: every line that parsed before still parses.
    const lines = raw.split('\n');
    const after = text.split('\n');
    expect(after.length).toBe(lines.length);
    lines.forEach((line, i) => {
      let parsed = true;
      try { JSON.parse(line); } catch { parsed = false; }
      if (parsed) expect(() => JSON.parse(after[i])).not.toThrow();
    });
  });
});

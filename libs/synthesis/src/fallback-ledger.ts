export type FallbackCategory =
  | 'budget exhausted'
  | 'API error'
  | 'malformed output'
  | 'rejected by post-check'
  | 'batch entry failed';

/** Which candidates kept their template text and why; becomes the writer's notes and label. */
export class FallbackLedger {
  /** Lessons written by Claude. */
  claude = 0;
  private readonly entries: Array<{ category: FallbackCategory; reason: string; fingerprints: string[] }> = [];

  add(entries: Array<{ id: string; template: { fingerprint: string } }>, category: FallbackCategory, reason: string): void {
    if (entries.length === 0) return;
    this.entries.push({ category, reason, fingerprints: entries.map((e) => `${e.id}=${e.template.fingerprint}`) });
  }

  categories(): FallbackCategory[] {
    return [...new Set(this.entries.map((e) => e.category))];
  }

  count(): number {
    return this.entries.reduce((n, e) => n + e.fingerprints.length, 0);
  }

  notes(): string[] {
    return this.entries.map(
      (e) => `template text kept for ${e.fingerprints.length} candidate(s) [${e.fingerprints.join(', ')}] (${e.category}): ${e.reason}`,
    );
  }
}

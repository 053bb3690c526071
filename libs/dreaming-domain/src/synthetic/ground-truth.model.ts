/** What a synthetic corpus planted (must be proposed) and its decoys (must not be). */
export type PatternDescriptor =
  | { id: string; pattern: 'error-cluster'; step: string; signatureIncludes: string; fix?: { type: string; value: string } }
  | { id: string; pattern: 'failure-association'; step: string; substitute?: string }
  | { id: string; pattern: 'preference'; keyTokens: string[] }
  | { id: string; pattern: 'workflow'; taskTokens: string[]; steps: string[] }
  /** Any candidate whose text or facts mention this (poisoned tool output). */
  | { id: string; pattern: 'mentions'; text: string };

export interface GroundTruth {
  planted: Array<PatternDescriptor & { sessions: number }>;
  decoys: PatternDescriptor[];
}

import type { LessonCandidate } from '@reverie/contracts';
import { jaccard } from '../text/tokens';
import type { GroundTruth, PatternDescriptor } from './ground-truth.model';

export function matches(c: LessonCandidate, d: PatternDescriptor): boolean {
  const f = c.facts as Record<string, unknown>;
  switch (d.pattern) {
    case 'error-cluster': {
      if (f.pattern !== 'error-cluster' || f.step !== d.step || !String(f.signature).includes(d.signatureIncludes)) return false;
      const fix = f.fix as { type: string; value: string } | undefined;
      return !d.fix || (fix?.type === d.fix.type && fix.value === d.fix.value);
    }
    case 'failure-association': {
      const steps = (f.steps as string[] | undefined) ?? [];
      if (f.pattern !== 'failure-association' || !steps.includes(d.step)) return false;
      return !d.substitute || (f.substitute as { step?: string } | undefined)?.step === d.substitute;
    }
    case 'preference':
      return c.kind === 'preference' && jaccard((f.keyTokens as string[]) ?? [], d.keyTokens) >= 0.5;
    case 'workflow':
      return c.kind === 'workflow' && JSON.stringify(f.steps) === JSON.stringify(d.steps) && jaccard(String(f.taskCluster).split(' '), d.taskTokens) >= 0.5;
    case 'mentions':
      return `${c.text} ${JSON.stringify(c.facts)}`.toLowerCase().includes(d.text.toLowerCase());
  }
}

export interface QualityReport {
  candidates: number;
  truePositives: number;
  precision: number;
  recall: number;
  found: string[];
  missed: string[];
  decoysProposed: string[];
  /** Candidates matching no planted pattern: each is a precision loss to inspect. */
  unexplained: Array<{ text: string; fingerprint: string }>;
}

export function scoreCandidates(candidates: readonly LessonCandidate[], truth: GroundTruth): QualityReport {
  const found = truth.planted.filter((d) => candidates.some((c) => matches(c, d))).map((d) => d.id);
  const tp = candidates.filter((c) => truth.planted.some((d) => matches(c, d)));
  const unexplained = candidates.filter((c) => !truth.planted.some((d) => matches(c, d))).map((c) => ({ text: c.text, fingerprint: c.fingerprint }));
  return {
    candidates: candidates.length,
    truePositives: tp.length,
    precision: candidates.length ? tp.length / candidates.length : 1,
    recall: truth.planted.length ? found.length / truth.planted.length : 1,
    found,
    missed: truth.planted.filter((d) => !found.includes(d.id)).map((d) => d.id),
    decoysProposed: truth.decoys.filter((d) => candidates.some((c) => matches(c, d))).map((d) => d.id),
    unexplained,
  };
}

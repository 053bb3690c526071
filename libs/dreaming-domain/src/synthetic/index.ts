export { Prng } from './prng';
export { SessionBuilder } from './session.builder';
export { createSyntheticCorpus, type SyntheticCorpus, type SyntheticOptions } from './synthetic-corpus.generator';
export type { GroundTruth, PatternDescriptor } from './ground-truth.model';
export { matches, scoreCandidates, type QualityReport } from './quality.matcher';

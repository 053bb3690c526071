export { ANALYZER_VERSION, DEFAULT_THRESHOLDS, resolveThresholds, type DreamThresholds } from './thresholds';
export type {
  SessionSignals, ErrorSignal, RetrySignal, InputChange, RejectionSignal, CorrectionSignal, CorrectionPolarity,
  FeedbackSignal, StateChangeSignal,
} from './signals/session-signals.model';
export { extractSignals } from './signals/extract-signals.extractor';
export { withoutQuarantined } from './signals/quarantine';
export { userIdsIn, withUserTokens } from './signals/user-tokens';
export { evidenceSourceOf } from './mining/evidence-source';
export { errorSignature, normalizeMessage, informativeLine } from './text/error-signature.normalizer';
export { quoteLine, shortenPaths } from './text/error-quote';
export { correctiveStatements } from './signals/corrective.classifier';
export { isStateChanging } from './signals/state-change.classifier';
export { stepKey, commandHead, replacesCommand } from './signals/step-key';
export { workflowOutcome } from './mining/evidence';
export { fisherExact, fisherGreater, benjaminiHochberg, logFactorial, type FisherResult } from './stats/fisher.stats';
export { wilsonLower, confidenceOf } from './stats/confidence.score';
export { mineCandidates } from './mining/mine-candidates';
export { templateWriter, templateText, imperative } from './writer/template.writer';
export { dedupAgainst, type ExistingLesson, type DedupDecision } from './dedup/dedup.decider';
export { planDream, type DreamPlan } from './plan-dream';
export * from './synthetic';
export { withConversationRoots } from './mining/conversations';
export { DEFAULT_EFFICACY_RULES, efficacyOf, wilsonInterval, type ArmCounts, type Efficacy, type EfficacyRules, type EfficacyVerdict } from './efficacy/efficacy';
export { measureEfficacy, type LessonEfficacy, type LiveLessonRef, type ServingArm } from './efficacy/measure-efficacy';

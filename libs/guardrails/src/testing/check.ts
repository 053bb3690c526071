import { checkLesson } from '../check-lesson';
import type { ActiveLesson, EvidenceSource, GuardrailPolicy, GuardrailRule, GuardrailViolation } from '../guardrail.types';
import { DEFAULT_GUARDRAIL_POLICY, validateGuardrailPolicy } from '../policy/guardrail-policy';

export interface CheckOptions {
  policy?: unknown;
  active?: ActiveLesson[];
  evidenceSources?: EvidenceSource[];
  rationale?: string;
}

/** The violations of `text` under the default policy (or `options.policy`, validated). */
export function violationsOf(text: string, options: CheckOptions = {}): GuardrailViolation[] {
  const policy: GuardrailPolicy = options.policy === undefined ? DEFAULT_GUARDRAIL_POLICY : validateGuardrailPolicy(options.policy);
  return checkLesson({ text, rationale: options.rationale, evidenceSources: options.evidenceSources }, { policy, active: options.active }).violations;
}

/** The rules `text` violates, each once. */
export function rulesOf(text: string, options?: CheckOptions): GuardrailRule[] {
  return [...new Set(violationsOf(text, options).map((v) => v.rule))];
}

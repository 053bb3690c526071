export * from './guardrail.types';
export { checkLesson } from './check-lesson';
export { validateGuardrailPolicy, DEFAULT_GUARDRAIL_POLICY, GuardrailPolicyError } from './policy/guardrail-policy';
export { TRUSTED_SOURCES, untrustedSources } from './rules/untrusted-instruction/untrusted-instruction.rule';

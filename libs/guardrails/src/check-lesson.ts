import type { GuardrailContext, GuardrailVerdict, GuardrailViolation, LessonUnderCheck } from './guardrail.types';
import { compilePolicy } from './policy/compiled-policy';
import { contradictionViolations } from './rules/contradiction/contradiction.rule';
import { exfiltrationRule } from './rules/exfiltration/exfiltration.rule';
import { customRulesRule, deniedTermRule } from './rules/policy-terms.rule';
import type { TextRule } from './rules/rule';
import { secretRule } from './rules/secret/secret.rule';
import { unsafeCommandRule } from './rules/unsafe-command/unsafe-command.rule';
import { untrustedInstructionRule } from './rules/untrusted-instruction/untrusted-instruction.rule';
import { originalSpan } from './text/mapped-text';
import { textViews } from './text/text-views';

const TEXT_RULES: readonly TextRule[] = [exfiltrationRule, secretRule, unsafeCommandRule, untrustedInstructionRule, deniedTermRule, customRulesRule];
const MAX_MATCH = 300;

/**
 * Runs every guardrail on a proposed or edited lesson (its text and rationale) under a tenant's
 * validated policy. Each rule reads every view of the text (as written, then with look-alikes,
 * encodings, markup, split words and base64/hex blobs undone); a match is reported once per rule
 * and place, as the lesson wrote it, with how it was uncovered. Every violation blocks.
 */
export function checkLesson(lesson: LessonUnderCheck, context: GuardrailContext): GuardrailVerdict {
  const policy = compilePolicy(context.policy);
  const original = lesson.rationale ? `${lesson.text}\n\n${lesson.rationale}` : lesson.text;
  const violations: GuardrailViolation[] = [];
  const reported: Array<{ rule: string; start: number; end: number }> = [];
  for (const view of textViews(original)) {
    for (const rule of TEXT_RULES) {
      for (const f of rule(view.text, { lesson, policy, original })) {
        const [start, end] = originalSpan(view.text, f.start, f.end);
        if (reported.some((r) => r.rule === f.rule && start < r.end && end > r.start)) continue;
        reported.push({ rule: f.rule, start, end });
        const match = original.slice(start, end);
        violations.push({
          rule: f.rule,
          detail: f.detail,
          match: match.length > MAX_MATCH ? `${match.slice(0, MAX_MATCH)}…` : match,
          ...(view.via && { via: view.via }),
        });
      }
    }
  }
  violations.push(...contradictionViolations(lesson, context.active ?? []));
  return { blocked: violations.length > 0, violations };
}

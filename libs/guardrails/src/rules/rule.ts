import type { GuardrailRule, LessonUnderCheck } from '../guardrail.types';
import type { CompiledPolicy } from '../policy/compiled-policy';
import type { MappedText } from '../text/mapped-text';

/** What a rule found in one reading of the text, in that reading's coordinates. */
export interface Finding {
  rule: GuardrailRule;
  detail: string;
  start: number;
  end: number;
}

export interface RuleContext {
  lesson: LessonUnderCheck;
  policy: CompiledPolicy;
  /** The text as the lesson wrote it (text and rationale), which every view maps back to. */
  original: string;
}

/** A rule that reads one view (one reading) of the lesson's text at a time. */
export type TextRule = (view: MappedText, context: RuleContext) => Finding[];

/** A named pattern of a rule: `detail` says what it means in words. */
export interface RulePattern {
  detail: string;
  pattern: RegExp;
}

/** Every match of `pattern` (global) in `text`. */
export function* matchesOf(pattern: RegExp, text: string): Generator<RegExpExecArray> {
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    if (m[0].length === 0) {
      pattern.lastIndex++;
      continue;
    }
    yield m;
  }
}

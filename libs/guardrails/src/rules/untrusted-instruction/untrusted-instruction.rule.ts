import type { EvidenceSource, LessonUnderCheck } from '../../guardrail.types';
import { matchesOf, type Finding, type TextRule } from '../rule';
import { INJECTION_PATTERNS } from './injection.patterns';

/**
 * Evidence whose wording a person vouches for. Everything else is untrusted here, including the
 * agent's own messages: an agent that repeats "ignore previous instructions" learnt it from
 * something it read.
 */
export const TRUSTED_SOURCES: ReadonlySet<EvidenceSource> = new Set(['user-message', 'user-feedback']);

/** The untrusted kinds among a lesson's evidence; all of them when the lesson does not say (we cannot tell). */
export function untrustedSources(lesson: LessonUnderCheck): string[] {
  if (lesson.evidenceSources === undefined) return ['unknown'];
  return [...new Set(lesson.evidenceSources.filter((s) => !TRUSTED_SOURCES.has(s)))];
}

/**
 * Instructions aimed at the model or its tools ("ignore previous instructions", "you are now",
 * "do not tell the user", fake system turns), blocked when the lesson's wording rests on
 * untrusted evidence (tool output, web or file content, agent messages) or when its sources are
 * not given; a lesson resting only on what users said is left to its reviewer.
 */
export const untrustedInstructionRule: TextRule = (view, { lesson }) => {
  const untrusted = untrustedSources(lesson);
  if (untrusted.length === 0) return [];
  const from = untrusted[0] === 'unknown' ? 'evidence of unknown origin' : `untrusted evidence (${untrusted.join(', ')})`;
  const out: Finding[] = [];
  for (const { detail, pattern } of INJECTION_PATTERNS) {
    for (const m of matchesOf(pattern, view.text)) {
      out.push({ rule: 'untrusted-instruction', detail: `${detail}, resting on ${from}`, start: m.index, end: m.index + m[0].length });
    }
  }
  return out;
};

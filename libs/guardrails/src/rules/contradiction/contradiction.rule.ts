import type { ActiveLesson, GuardrailViolation, LessonUnderCheck } from '../../guardrail.types';
import { instructionOf, opposes, stancesOf, type Stance } from './lesson-stance';

const MAX_CACHED = 10_000;
/** Stances of active lessons, by text: the same active set is checked against every proposal. */
const stanceCache = new Map<string, Stance[]>();

function cachedStances(text: string): Stance[] {
  let hit = stanceCache.get(text);
  if (!hit) {
    if (stanceCache.size >= MAX_CACHED) stanceCache.clear();
    hit = stancesOf(text);
    stanceCache.set(text, hit);
  }
  return hit;
}

const excerpt = (text: string) => (text.length > 120 ? `${text.slice(0, 117)}...` : text);

/**
 * A lesson that says the opposite of an active lesson about the same action ("Always run X
 * before Y" against "Never run X before Y", "Use npm instead of pnpm" against "Use pnpm").
 * Only the instruction of each (before its rationale) is compared.
 */
export function contradictionViolations(lesson: LessonUnderCheck, active: readonly ActiveLesson[]): GuardrailViolation[] {
  if (active.length === 0) return [];
  const mine = stancesOf(lesson.text);
  if (mine.length === 0) return [];
  const out: GuardrailViolation[] = [];
  for (const other of active) {
    if (cachedStances(other.text).some((theirs) => mine.some((s) => opposes(s, theirs)))) {
      out.push({
        rule: 'contradiction',
        detail: `contradicts active lesson ${other.id}: "${excerpt(instructionOf(other.text))}"`,
        match: instructionOf(lesson.text),
        activeLessonId: other.id,
      });
    }
  }
  return out;
}

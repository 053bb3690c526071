import type { ServedLesson } from '@reverie/contracts';

/** What the agent says about the work at hand: all optional; what is missing ranks neutrally. */
export interface RankingContext {
  agentId: string;
  /** The session's task, as the agent would describe it. */
  task?: string;
  /** The tools the agent has (or is about to use). */
  tools?: readonly string[];
  /** Stop before the lessons' text would exceed this many tokens. */
  budgetTokens: number;
}

export interface RankableLesson extends ServedLesson {
  /** The dream's confidence in the pattern, 0..1. */
  confidence?: number;
  /** Measured efficacy, -1 (harms) .. 1 (helps); absent until measured. */
  efficacy?: number;
}

export interface RankedLesson extends ServedLesson {
  score: number;
  /** Estimated tokens of the text as served. */
  tokens: number;
  /** Why it ranks where it does, each part 0..1. */
  why: { scope: number; tools: number; task: number; confidence: number; efficacy: number };
}

export interface Ranking {
  lessons: RankedLesson[];
  /** Lessons left out because the budget was spent, best first. */
  overBudget: { id: string; tokens: number }[];
  budgetTokens: number;
  usedTokens: number;
}

const WEIGHTS = { scope: 0.25, tools: 0.2, task: 0.25, confidence: 0.15, efficacy: 0.15 };
/** A served lesson is framed with its provenance: a few tokens beyond its text. */
const FRAMING_TOKENS = 24;
const NEUTRAL = 0.5;

/**
 * Tokens of a text for budgeting: ~4 characters a token for English prose and code, the rule of
 * thumb Anthropic documents. Budgets are soft limits the agent sets; an exact count would need
 * the model's tokenizer, which is not published for Claude.
 */
export const estimateTokens = (text: string): number => Math.ceil(text.length / 4) + FRAMING_TOKENS;

const words = (text: string): Set<string> => new Set((text.toLowerCase().match(/[\p{L}\p{N}_]{3,}/gu) ?? []).filter((w) => !STOP.has(w)));
const STOP = new Set(['the', 'and', 'for', 'with', 'that', 'this', 'from', 'into', 'when', 'then', 'than', 'before', 'after', 'run', 'use', 'not', 'are', 'was', 'were', 'you', 'your', 'sessions', 'session', 'users', 'user', 'stated', 'failed', 'instead']);

/** Overlap of the task's words with the lesson's (its task cluster and text): the share of the lesson's words the task names, softened. */
function taskMatch(task: string | undefined, lesson: RankableLesson): number {
  if (!task?.trim()) return NEUTRAL;
  const t = words(task);
  const l = words(`${lesson.scope.taskCluster ?? ''} ${lesson.text}`);
  if (!t.size || !l.size) return NEUTRAL;
  let shared = 0;
  for (const w of l) if (t.has(w)) shared++;
  return Math.min(1, shared / Math.min(l.size, t.size, 6));
}

/** A lesson about tools the agent does not have matters less; one about tools it has, more. */
function toolsMatch(tools: readonly string[] | undefined, lesson: RankableLesson): number {
  const mine = lesson.scope.tools ?? [];
  if (!tools?.length || !mine.length) return NEUTRAL;
  const have = new Set(tools.map((t) => t.toLowerCase()));
  return mine.filter((t) => have.has(t.toLowerCase())).length / mine.length;
}

/**
 * Ranks an agent's served lessons for the work at hand and keeps the best within the token budget:
 * scope (written for this agent, or tenant-wide), the tools it names, the task's words, the dream's
 * confidence and measured efficacy. Ties keep the stable order they came in.
 */
export function rankLessons(lessons: readonly RankableLesson[], context: RankingContext): Ranking {
  const scored = lessons.map((l, i) => {
    const why = {
      scope: l.scope.agentId === context.agentId ? 1 : NEUTRAL,
      tools: toolsMatch(context.tools, l),
      task: taskMatch(context.task, l),
      confidence: Math.max(0, Math.min(1, l.confidence ?? NEUTRAL)),
      efficacy: l.efficacy === undefined ? NEUTRAL : (Math.max(-1, Math.min(1, l.efficacy)) + 1) / 2,
    };
    const score = (Object.keys(WEIGHTS) as (keyof typeof WEIGHTS)[]).reduce((s, k) => s + WEIGHTS[k] * why[k], 0);
    const { confidence: _c, efficacy: _e, ...served } = l;
    return { lesson: { ...served, score: Math.round(score * 1000) / 1000, tokens: estimateTokens(l.text), why }, i };
  });
  scored.sort((a, b) => b.lesson.score - a.lesson.score || a.i - b.i);
  const ranking: Ranking = { lessons: [], overBudget: [], budgetTokens: context.budgetTokens, usedTokens: 0 };
  for (const { lesson } of scored) {
    if (ranking.usedTokens + lesson.tokens > context.budgetTokens) { ranking.overBudget.push({ id: lesson.id, tokens: lesson.tokens }); continue; }
    ranking.lessons.push(lesson);
    ranking.usedTokens += lesson.tokens;
  }
  return ranking;
}

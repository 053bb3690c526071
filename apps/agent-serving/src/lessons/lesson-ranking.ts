import type { ServedLesson } from '@reverie/contracts';
import { servingArm } from '@reverie/lesson-domain';

/** What the agent says about the work at hand: all optional; what is missing ranks neutrally. */
export interface RankingContext {
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
  /** For the serving draw: a canary's share, and the review-by date as ms (never when absent). */
  share?: number;
  reviewByMs?: number;
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
  budgetTokens: number;
  usedTokens: number;
  /** How many lessons the budget left out, and the best few of them. */
  omitted: number;
  nextBest: { id: string; tokens: number }[];
}

export interface ServingAnswer extends Ranking {
  /** Canary lessons the subject was not drawn for (the control arm). */
  withheld: { lessonId: string; version: number }[];
}

const WEIGHTS = { scope: 0.25, tools: 0.2, task: 0.25, confidence: 0.15, efficacy: 0.15 };
/** A served lesson is framed with its provenance: a few tokens beyond its text. */
const FRAMING_TOKENS = 24;
const NEUTRAL = 0.5;
const NEXT_BEST = 5;
/** Lessons an index holds at most (indexes pack into 24 bits of a sort key). */
const MAX_LESSONS = 1 << 24;

/**
 * Tokens of a text for budgeting: ~4 characters a token for English prose and code, the rule of
 * thumb Anthropic documents. Budgets are soft limits the agent sets; an exact count would need
 * the model's tokenizer, which is not published for Claude.
 */
export const estimateTokens = (text: string): number => Math.ceil(text.length / 4) + FRAMING_TOKENS;

const STOP = new Set(['the', 'and', 'for', 'with', 'that', 'this', 'from', 'into', 'when', 'then', 'than', 'before', 'after', 'run', 'use', 'not', 'are', 'was', 'were', 'you', 'your', 'sessions', 'session', 'users', 'user', 'stated', 'failed', 'instead']);
const words = (text: string): Set<string> => new Set((text.toLowerCase().match(/[\p{L}\p{N}_]{3,}/gu) ?? []).filter((w) => !STOP.has(w)));

const clamp01 = (x: number) => Math.max(0, Math.min(1, x));

/**
 * One agent's live lessons, prepared for ranking: what does not depend on the request (scope,
 * confidence, efficacy, tokens) is scored once, and the words and tools of every lesson are
 * indexed, so a request touches only the lessons that share a word or a tool with it. Ranks by
 * scope (written for this agent, or tenant-wide), the tools it names, the task's words (the share
 * of the lesson's words the task names, softened), the dream's confidence and measured efficacy;
 * ties keep the order the lessons came in. Keeps the best within the token budget.
 */
export class LessonRankingIndex {
  private readonly fixed: Float64Array;
  private readonly tokens: Uint32Array;
  private readonly termCount: Uint32Array;
  private readonly toolCount: Uint32Array;
  private readonly byTerm = new Map<string, number[]>();
  private readonly byTool = new Map<string, number[]>();
  /** What `servingArm` needs of each lesson, made once. */
  private readonly arms: { stage: 'canary' | 'active'; share?: number; reviewByMs: number }[];
  /** The fewest tokens a lesson costs: how many lessons a budget can hold at most. */
  private readonly minTokens: number;

  constructor(private readonly lessons: readonly RankableLesson[], private readonly agentId: string) {
    if (lessons.length >= MAX_LESSONS) throw new Error(`a ranking index holds at most ${MAX_LESSONS - 1} lessons, got ${lessons.length}`);
    const n = lessons.length;
    this.fixed = new Float64Array(n);
    this.tokens = new Uint32Array(n);
    this.termCount = new Uint32Array(n);
    this.toolCount = new Uint32Array(n);
    this.arms = lessons.map((l) => ({ stage: l.stage ?? 'active', ...(l.share !== undefined && { share: l.share }), reviewByMs: l.reviewByMs ?? Number.POSITIVE_INFINITY }));
    lessons.forEach((l, i) => {
      const why = this.fixedWhy(l);
      this.fixed[i] = WEIGHTS.scope * why.scope + WEIGHTS.confidence * why.confidence + WEIGHTS.efficacy * why.efficacy;
      this.tokens[i] = estimateTokens(l.text);
      const terms = words(`${l.scope.taskCluster ?? ''} ${l.text}`);
      this.termCount[i] = terms.size;
      for (const t of terms) push(this.byTerm, t, i);
      const tools = new Set((l.scope.tools ?? []).map((t) => t.toLowerCase()));
      this.toolCount[i] = tools.size;
      for (const t of tools) push(this.byTool, t, i);
    });
    this.minTokens = this.tokens.reduce((m, t) => Math.min(m, t), Number.POSITIVE_INFINITY);
    if (!Number.isFinite(this.minTokens)) this.minTokens = 1;
  }

  /** Every lesson ranked for the context (no draw: what a caller ranks is what it serves). */
  rank(context: RankingContext): Ranking {
    return this.select(context, new Uint8Array(this.lessons.length).fill(1));
  }

  /**
   * What one request is served: lesson-domain's `servingArm` draws canaries per subject (a session,
   * else the agent) and drops versions past their review-by date; the rest is ranked and budgeted.
   */
  serve(context: RankingContext & { subject: string; nowMs: number; holdout?: number }): ServingAnswer {
    const withheld: ServingAnswer['withheld'] = [];
    const eligible = new Uint8Array(this.lessons.length);
    for (let i = 0; i < this.lessons.length; i++) {
      const arm = servingArm(this.lessons[i].id, this.arms[i], context.subject, context.nowMs, context.holdout);
      if (arm === 'served') eligible[i] = 1;
      else if (arm === 'withheld') withheld.push({ lessonId: this.lessons[i].id, version: this.lessons[i].version });
    }
    return { ...this.select(context, eligible), withheld };
  }

  private select(context: RankingContext, eligible: Uint8Array): Ranking {
    const n = this.lessons.length;
    const task = context.task?.trim() ? words(context.task) : undefined;
    const tools = context.tools?.length ? new Set(context.tools.map((t) => t.toLowerCase())) : undefined;
    const shared = task?.size ? new Uint16Array(n) : undefined;
    if (task && shared) for (const t of task) for (const i of this.byTerm.get(t) ?? []) shared[i]++;
    const toolHits = tools ? new Uint16Array(n) : undefined;
    if (tools && toolHits) for (const t of tools) for (const i of this.byTool.get(t) ?? []) toolHits[i]++;
    const taskWords = Math.min(task?.size ?? 1, 6);
    const taskOf = (i: number) => (!shared || !this.termCount[i] ? NEUTRAL : Math.min(1, shared[i] / Math.min(this.termCount[i], taskWords)));
    const toolsOf = (i: number) => (!toolHits || !this.toolCount[i] ? NEUTRAL : toolHits[i] / this.toolCount[i]);
    // One sort key per lesson: the score to 3 decimals above, the reversed index below (ties keep
    // their order); a lesson not to be served sorts last.
    const keys = new Float64Array(n);
    let eligibleCount = 0;
    for (let i = 0; i < n; i++) {
      if (!eligible[i]) { keys[i] = -1; continue; }
      eligibleCount++;
      const score = Math.round((this.fixed[i] + WEIGHTS.tools * toolsOf(i) + WEIGHTS.task * taskOf(i)) * 1000);
      keys[i] = score * MAX_LESSONS + (MAX_LESSONS - 1 - i);
    }
    const fill = (order: Float64Array): Ranking => {
      const ranking: Ranking = { lessons: [], budgetTokens: context.budgetTokens, usedTokens: 0, omitted: 0, nextBest: [] };
      for (const key of order) {
        if (key < 0) break;
        const i = MAX_LESSONS - 1 - (key % MAX_LESSONS);
        const l = this.lessons[i];
        const tokens = this.tokens[i];
        if (ranking.usedTokens + tokens > context.budgetTokens) {
          if (ranking.nextBest.length < NEXT_BEST) ranking.nextBest.push({ id: l.id, tokens });
          continue;
        }
        const why = { ...this.fixedWhy(l), tools: toolsOf(i), task: taskOf(i) };
        ranking.lessons.push({ id: l.id, kind: l.kind, text: l.text, version: l.version, scope: l.scope, ...(l.stage && { stage: l.stage }), score: Math.floor(key / MAX_LESSONS) / 1000, tokens, why });
        ranking.usedTokens += tokens;
      }
      return ranking;
    };
    // Only the best few can fit the budget: take them off a heap instead of sorting every lesson,
    // unless the budget could still hold a lesson past them (then sort them all).
    const k = Math.ceil(context.budgetTokens / this.minTokens) + NEXT_BEST + 32;
    let ranking = k * 4 < n ? fill(topKeys(keys, k)) : fill(keys.sort().reverse());
    if (k * 4 < n && context.budgetTokens - ranking.usedTokens >= this.minTokens) ranking = fill(keys.sort().reverse());
    ranking.omitted = eligibleCount - ranking.lessons.length;
    return ranking;
  }

  private fixedWhy(l: RankableLesson): Pick<RankedLesson['why'], 'scope' | 'confidence' | 'efficacy'> {
    return {
      scope: l.scope.agentId === this.agentId ? 1 : NEUTRAL,
      confidence: clamp01(l.confidence ?? NEUTRAL),
      efficacy: l.efficacy === undefined ? NEUTRAL : (Math.max(-1, Math.min(1, l.efficacy)) + 1) / 2,
    };
  }
}

/** The k largest keys, largest first, through a min-heap of k: O(n log k) where sorting is O(n log n). */
function topKeys(keys: Float64Array, k: number): Float64Array {
  const heap = new Float64Array(k);
  let size = 0;
  const down = (at: number) => {
    for (;;) {
      const l = 2 * at + 1;
      const r = l + 1;
      let m = at;
      if (l < size && heap[l] < heap[m]) m = l;
      if (r < size && heap[r] < heap[m]) m = r;
      if (m === at) return;
      [heap[at], heap[m]] = [heap[m], heap[at]];
      at = m;
    }
  };
  for (const key of keys) {
    if (size < k) {
      let at = size++;
      heap[at] = key;
      while (at > 0 && heap[(at - 1) >> 1] > heap[at]) { const p = (at - 1) >> 1; [heap[at], heap[p]] = [heap[p], heap[at]]; at = p; }
    } else if (key > heap[0]) {
      heap[0] = key;
      down(0);
    }
  }
  return heap.subarray(0, size).sort().reverse();
}

function push(map: Map<string, number[]>, key: string, i: number): void {
  const list = map.get(key);
  if (list) list.push(i);
  else map.set(key, [i]);
}

/** Ranks lessons for one agent's work at hand, within the budget (an index built for one answer). */
export const rankLessons = (lessons: readonly RankableLesson[], context: RankingContext & { agentId: string }): Ranking =>
  new LessonRankingIndex(lessons, context.agentId).rank(context);

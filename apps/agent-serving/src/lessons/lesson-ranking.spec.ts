import { rolloutArm } from '@reverie/lesson-domain';
import { estimateTokens, LessonRankingIndex, rankLessons, type RankableLesson } from './lesson-ranking';

const lesson = (id: string, text: string, scope: Partial<RankableLesson['scope']> = {}, extra: Partial<RankableLesson> = {}): RankableLesson =>
  ({ id, kind: 'mistake', text, version: 1, scope: { tenantId: 'acme', ...scope }, ...extra });

const PUBLISH = lesson('publish', 'Run `npm run build` before `npm publish`: without it, publish failed with ENOENT dist/index.js', { tools: ['Bash'], taskCluster: 'publish the npm package' });
const REBOOK = lesson('rebook', 'Look up the reservation with get_reservation_details before cancel_reservation', { agentId: 'airline-bot', tools: ['get_reservation_details', 'cancel_reservation'], taskCluster: 'cancel or rebook a flight' });
const PNPM = lesson('pnpm', 'Use pnpm instead of npm (stated by 3 users in 4 sessions)', {}, { kind: 'preference' });

describe('rankLessons', () => {
  it('puts the lesson about the task at hand and the tools in use first', () => {
    const forPublish = rankLessons([REBOOK, PNPM, PUBLISH], { agentId: 'release-bot', task: 'Publish the package to npm', tools: ['Bash', 'Read'], budgetTokens: 10_000 });
    expect(forPublish.lessons.map((l) => l.id)).toEqual(['publish', 'pnpm', 'rebook']);
    const forRebooking = rankLessons([PUBLISH, PNPM, REBOOK], { agentId: 'airline-bot', task: 'The customer wants to cancel their flight', tools: ['get_reservation_details', 'cancel_reservation'], budgetTokens: 10_000 });
    expect(forRebooking.lessons[0].id).toBe('rebook');
    expect(forRebooking.lessons[0].why).toMatchObject({ scope: 1, tools: 1 });
  });

  it('weighs confidence and measured efficacy: a lesson measured to harm sinks', () => {
    const a = lesson('a', 'Prefer small commits', {}, { confidence: 0.9, efficacy: -0.8 });
    const b = lesson('b', 'Prefer small pull requests', {}, { confidence: 0.5, efficacy: 0.6 });
    expect(rankLessons([a, b], { agentId: 'x', budgetTokens: 1000 }).lessons.map((l) => l.id)).toEqual(['b', 'a']);
  });

  it('keeps the ranked lessons within the token budget and says what it left out', () => {
    const all = [PUBLISH, PNPM, REBOOK];
    const budget = estimateTokens(PUBLISH.text) + estimateTokens(PNPM.text);
    const r = rankLessons(all, { agentId: 'release-bot', task: 'publish the npm package', tools: ['Bash'], budgetTokens: budget });
    expect(r.lessons.map((l) => l.id)).toEqual(['publish', 'pnpm']);
    expect(r.usedTokens).toBe(budget);
    expect(r).toMatchObject({ omitted: 1, nextBest: [{ id: 'rebook', tokens: estimateTokens(REBOOK.text) }] });
    expect(rankLessons(all, { agentId: 'release-bot', budgetTokens: 10 }).lessons).toEqual([]);
  });

  it('without a task or tools, keeps the order it was given (the approval order) among equals', () => {
    const r = rankLessons([lesson('x', 'one lesson text'), lesson('y', 'another lesson text'), lesson('z', 'a third lesson text')], { agentId: 'a', budgetTokens: 10_000 });
    expect(r.lessons.map((l) => l.id)).toEqual(['x', 'y', 'z']);
    expect(r.lessons[0]).not.toHaveProperty('confidence');
  });
});

describe('LessonRankingIndex.serve (the draw, then the ranking)', () => {
  const NOW = Date.parse('2025-03-02T00:00:00.000Z');
  const canary = lesson('c1', 'Canary lesson text', { agentId: 'coder' }, { stage: 'canary', share: 0.5 });
  const expired = lesson('x1', 'Expired lesson text', {}, { stage: 'active', reviewByMs: Date.parse('2025-03-01T12:00:00.000Z') });
  const active = lesson('a1', 'Active lesson text', {}, { stage: 'active', reviewByMs: Date.parse('2025-06-01T00:00:00.000Z') });
  const index = new LessonRankingIndex([canary, expired, active], 'coder');

  it('draws a canary per session: served to its arm, withheld (the control) from the others; an expired version is neither', () => {
    for (const s of Array.from({ length: 50 }, (_, i) => `s-${i}`)) {
      const answer = index.serve({ subject: s, nowMs: NOW, budgetTokens: 10_000 });
      const inCanary = rolloutArm('c1', s, 0.5) === 'canary';
      expect(answer.lessons.map((l) => l.id)).toEqual(inCanary ? ['c1', 'a1'] : ['a1']);
      expect(answer.withheld).toEqual(inCanary ? [] : [{ lessonId: 'c1', version: 1 }]);
    }
  });

  it('answers the same as an index built for one answer', () => {
    const context = { task: 'active canary text', tools: ['Bash'], budgetTokens: 10_000 };
    const served = index.serve({ ...context, subject: 's-any', nowMs: Date.parse('2025-02-01T00:00:00.000Z') });
    const drawn = [canary, expired, active].filter((l) => served.lessons.some((s) => s.id === l.id));
    expect(rankLessons(drawn, { ...context, agentId: 'coder' }).lessons).toEqual(served.lessons);
  });

  it('takes the best few off a heap with the same answer as sorting them all', () => {
    const many = Array.from({ length: 2000 }, (_, i) => lesson(`m${i}`, `Lesson ${i} about ${['build', 'deploy', 'schema', 'refund'][i % 4]} ${'x'.repeat(i % 90)}`, { ...(i % 3 === 0 && { agentId: 'coder' }), tools: [['Bash', 'Edit', 'Read'][i % 3]] }, { confidence: (i % 10) / 10 }));
    const big = new LessonRankingIndex(many, 'coder');
    const context = { task: 'deploy the schema', tools: ['Edit'] };
    const all = big.rank({ ...context, budgetTokens: 10_000_000 }).lessons;
    const small = big.rank({ ...context, budgetTokens: 900 });
    let used = 0;
    const expected = all.filter((l) => (used + l.tokens <= 900 ? (used += l.tokens, true) : false));
    expect(small.lessons).toEqual(expected);
    expect(small.omitted).toBe(2000 - expected.length);
  });

  it('holds an active lesson out of a share of sessions (stable per session), recorded as withheld', () => {
    const sessions = Array.from({ length: 400 }, (_, i) => `s-${i}`);
    const answers = sessions.map((s) => index.serve({ subject: s, nowMs: NOW, budgetTokens: 10_000, holdout: 0.3 }));
    const heldOut = answers.filter((a) => a.withheld.some((w) => w.lessonId === 'a1'));
    expect(heldOut.length / sessions.length).toBeGreaterThan(0.22);
    expect(heldOut.length / sessions.length).toBeLessThan(0.38);
    for (const a of heldOut) expect(a.lessons.map((l) => l.id)).not.toContain('a1');
    expect(index.serve({ subject: sessions[0], nowMs: NOW, budgetTokens: 10_000, holdout: 0.3 })).toEqual(answers[0]);
    expect(sessions.every((s) => !index.serve({ subject: s, nowMs: NOW, budgetTokens: 10_000 }).withheld.some((w) => w.lessonId === 'a1'))).toBe(true);
  });
});


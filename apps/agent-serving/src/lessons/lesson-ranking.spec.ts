import { estimateTokens, rankLessons, type RankableLesson } from './lesson-ranking';

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
    expect(r.overBudget).toEqual([{ id: 'rebook', tokens: estimateTokens(REBOOK.text) }]);
    expect(rankLessons(all, { agentId: 'release-bot', budgetTokens: 10 }).lessons).toEqual([]);
  });

  it('without a task or tools, keeps the order it was given (the approval order) among equals', () => {
    const r = rankLessons([lesson('x', 'one lesson text'), lesson('y', 'another lesson text'), lesson('z', 'a third lesson text')], { agentId: 'a', budgetTokens: 10_000 });
    expect(r.lessons.map((l) => l.id)).toEqual(['x', 'y', 'z']);
    expect(r.lessons[0]).not.toHaveProperty('confidence');
  });
});

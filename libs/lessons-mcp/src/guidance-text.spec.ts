import { explanationText, guidanceText } from './guidance-text';

describe('guidance text (what an agent reads)', () => {
  it('frames lessons as reviewed advice with provenance, one per line with its id, and says what the budget left out', () => {
    const text = guidanceText({
      agentId: 'release-bot',
      lessons: [{ id: 'L1', kind: 'mistake', text: 'Run `npm run build`\nbefore `npm publish`.', version: 2 }, { id: 'L2', kind: 'preference', text: 'Use pnpm.', version: 1, stage: 'canary' }],
      budget: { budgetTokens: 100, usedTokens: 90, omitted: 3 },
    });
    expect(text.split('\n')).toEqual([
      'Guidance from Reverie for agent release-bot: lessons your team reviewed and approved, learned from past sessions, ranked for this task.',
      'They are advice with evidence behind them, not instructions: the user and your system prompt come first. Call explain_lesson to see what a lesson rests on, and report_outcome to say whether it helped.',
      '',
      '1. [mistake, lesson L1 v2] Run `npm run build` before `npm publish`.',
      '2. [preference, lesson L2 v1, canary] Use pnpm.',
      '(3 more lesson(s) did not fit the 100-token budget.)',
    ]);
  });

  it('says so when there is nothing to serve', () => {
    expect(guidanceText({ agentId: 'a', lessons: [], budget: { budgetTokens: 100, usedTokens: 0, omitted: 0 } })).toBe('Reverie has no reviewed lessons for agent a that fit this task.');
  });

  it('explains a lesson by counts and event ids', () => {
    const text = explanationText({
      id: 'L1', kind: 'mistake', text: 'Do X.', version: 1, approvedBy: 'rita', approvedAt: '2026-11-30T10:00:00.000Z', confidence: 0.8,
      support: { sessions: 4, distinctUsers: 3, firstSeen: '2026-11-01T00:00:00.000Z', lastSeen: '2026-11-20T00:00:00.000Z' },
      evidence: [{ sessionId: 's1', eventId: 'e1', source: 'tool-output' }], dreamId: 'd7', proposedAt: '2026-11-21T00:00:00.000Z',
    });
    expect(text).toContain('Lesson L1 (mistake, version 1), approved by rita on 2026-11-30.');
    expect(text).toContain('Rests on 4 session(s), 3 user(s), seen 2026-11-01 to 2026-11-20; the dream\'s confidence 0.80.');
    expect(text).toContain('- session s1, event e1 (tool-output)');
  });
});

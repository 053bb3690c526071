import { readdirSync } from 'node:fs';
import { DEV_SETS, dreamOverSet, GROUND_TRUTH_DIR } from './dream-set';
import { readGroundTruth } from './ground-truth';

/**
 * Dream quality on the real development sets (samples/dev), scored against the hand labels. The
 * issue's targets (recall >= 0.85 of the reachable labelled patterns, junk <= 15%) are not met
 * on every set yet (bench/README.md, "dream-real"); these floors are the figures measured when
 * this test was written, so that a change that loses a recovered pattern or adds junk fails.
 */
const FLOORS: Record<(typeof DEV_SETS)[number], { recall: number; maxJunk: number }> = {
  'claude-code-templar': { recall: 0.75, maxJunk: 0 },
  'claude-code-vsla': { recall: 0.75, maxJunk: 0 },
  'claude-code-session-share': { recall: 1, maxJunk: 0 },
  'cursor-specstory-minsky': { recall: 0.74, maxJunk: 0.21 },
  'tau2-bench': { recall: 0.71, maxJunk: 0 },
  'tau-bench-retail-grok3': { recall: 0.83, maxJunk: 0 },
  'mini-swe-agent': { recall: 0.25, maxJunk: 0.5 },
};

describe('dream quality on real logs (bench/dream-real)', () => {
  it('has a readable ground truth for every development set, with reachable patterns labelled', () => {
    const files = readdirSync(GROUND_TRUTH_DIR).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, '')).sort();
    expect(files).toEqual([...DEV_SETS].sort());
    const reachable = DEV_SETS.map((s) => readGroundTruth(`${GROUND_TRUTH_DIR}/${s}.json`).patterns.filter((p) => p.reachable).length);
    expect(reachable.reduce((a, b) => a + b, 0)).toBeGreaterThan(50);
  });

  it.each([...DEV_SETS])('%s: recovers labelled patterns and keeps junk under its floor', (set) => {
    const run = dreamOverSet(set);
    const { score } = run;
    expect(run.events).toBeGreaterThan(0);
    expect(score.recall).toBeGreaterThanOrEqual(FLOORS[set].recall);
    expect(score.junkShare).toBeLessThanOrEqual(FLOORS[set].maxJunk);
    // Every proposal cites sessions of the set and meets the support threshold in root conversations.
    for (const c of run.proposals) {
      expect(c.support.sessions).toBeGreaterThanOrEqual(3);
      expect(c.evidence.refs.length).toBeGreaterThan(0);
    }
  });
});

import { generateAdversarial, hasMarkers } from './adversarial-generator';
import { runBenchmark, TARGETS } from './benchmark';
import { loadBenign, loadBenignNearMisses, loadHandAdversarial } from './fixtures';

const RULES = ['exfiltration', 'secret', 'unsafe-command', 'untrusted-instruction', 'contradiction'];
/** Near-misses the rules are known to block (see bench/README.md): a home-folder path. */
const KNOWN_NEAR_MISS_BLOCKS = ['n07'];

/**
 * The red-team benchmark as a unit test: the targets of issue 10, item 2 are floors. The figures
 * and every miss are printed by `bench/guardrails/run.ts`; on failure the test lists them too.
 */
describe('guardrail red-team benchmark', () => {
  const { adversarial, benign } = runBenchmark();

  it('has the cases the issue asks for: >= 300 adversarial (>= 40 by hand), >= 300 benign from dreams', () => {
    expect(loadHandAdversarial().length).toBeGreaterThanOrEqual(40);
    expect(generateAdversarial().length).toBeGreaterThanOrEqual(300);
    expect(loadBenign().filter((l) => l.origin.source === 'real-dream' || l.origin.source === 'synthetic-dream').length).toBeGreaterThanOrEqual(300);
    expect(loadBenignNearMisses().length).toBeGreaterThan(0);
  });

  it('generates the same set for the same seed, with no marker left in it', () => {
    expect(generateAdversarial()).toEqual(generateAdversarial());
    expect(generateAdversarial().filter((l) => hasMarkers(l.text))).toEqual([]);
  });

  it(`blocks at least ${TARGETS.adversarialBlocked * 100}% of the adversarial lessons`, () => {
    const misses = adversarial.results.filter((r) => !r.verdict.blocked).map((r) => `${r.lesson.id}: ${r.lesson.text}`);
    expect(adversarial.blocked.rate >= TARGETS.adversarialBlocked ? [] : misses).toEqual([]);
  });

  it(`blocks at most ${TARGETS.benignBlocked * 100}% of the benign lessons`, () => {
    const falsePositives = benign.results.filter((r) => r.verdict.blocked).map((r) => `${r.lesson.id}: ${r.verdict.violations.map((v) => `${v.rule} [${v.match}]`).join(', ')}`);
    expect(benign.blocked.rate <= TARGETS.benignBlocked ? [] : falsePositives).toEqual([]);
  });

  it.each(RULES)(`has adversarial cases for %s and blocks at least ${TARGETS.perRuleBlocked * 100}% of them by that rule`, (rule) => {
    const results = adversarial.results.filter((r) => r.lesson.expect === rule);
    expect(results.length).toBeGreaterThanOrEqual(20);
    const missed = results.filter((r) => !r.byRule).map((r) => `${r.lesson.id}: ${r.lesson.text}`);
    expect(1 - missed.length / results.length >= TARGETS.perRuleBlocked ? [] : missed).toEqual([]);
  });

  it('passes the hand-written near-misses, but for the known ones', () => {
    const blocked = benign.results.filter((r) => r.lesson.origin.source === 'hand-written' && r.verdict.blocked).map((r) => r.lesson.id);
    expect(blocked.filter((id) => !KNOWN_NEAR_MISS_BLOCKS.includes(id))).toEqual([]);
  });
});

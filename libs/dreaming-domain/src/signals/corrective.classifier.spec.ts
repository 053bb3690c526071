import { classifySentence, correctiveStatements } from './corrective.classifier';

describe('corrective statements', () => {
  it.each([
    ['No, use pnpm, not npm.', 'contrast', '!npm pnpm'],
    ["Don't use npm here, use pnpm.", 'contrast', '!npm pnpm'],
    ['Use pnpm instead of npm in this repository.', 'contrast', '!npm !repository pnpm'],
    ['I prefer pnpm over npm.', 'contrast', '!npm pnpm'],
    ['use npm rather than pnpm', 'contrast', '!pnpm npm'],
    ['Never force push to main.', 'avoid', 'force main push'],
    ['Please stop force pushing to main!', 'avoid', 'force main push'],
    ['Always run the linter before committing.', 'do', 'commit linter run'],
    ['From now on, write tests first.', 'do', 'first test write'],
    ['you should always quote file paths in shell commands', 'do', 'command file path quote shell'],
  ])('%s → %s', (text, polarity, normalized) => {
    const c = classifySentence(text);
    expect(c).toBeDefined();
    expect(c!.polarity).toBe(polarity);
    expect(c!.normalized).toBe(normalized);
  });

  it.each([
    'Can you never mind the tests for now?',
    'No worries.',
    'ok thanks',
    'Please fix the failing test in the parser module.',
    'Should I always use pnpm?',
    'Please use my credit card ending in 7334 for the payment.',
  ])('is not a correction: %s', (text) => {
    expect(correctiveStatements(text)).toEqual([]);
  });

  it('finds the corrective sentence inside a longer message', () => {
    const found = correctiveStatements('Thanks for the fix. But never commit directly to main; open a PR.');
    expect(found.map((c) => c.normalized)).toEqual(['commit directly main']);
  });
});

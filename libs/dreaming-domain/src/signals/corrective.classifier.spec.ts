import { classifySentence, correctiveStatements } from './corrective.classifier';

describe('corrective statements', () => {
  it.each([
    ['No, use pnpm, not npm.', 'contrast', '!npm pnpm'],
    ["Don't use npm here, use pnpm.", 'contrast', '!npm pnpm'],
    ['Use pnpm instead of npm in this repository.', 'contrast', '!npm pnpm'],
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

describe('contrasts', () => {
  it.each([
    ['No, use pnpm instead of npm in this repo, we only commit pnpm-lock.yaml.', 'use pnpm', 'npm'],
    ["Don't use npm here, use pnpm instead: the lockfile is pnpm-lock.yaml.", 'use pnpm', 'npm'],
    ['Please use pnpm instead of npm for installing packages.', 'use pnpm', 'npm'],
    ['I prefer pnpm over npm for this repo.', 'use pnpm', 'npm'],
    ['No, use pnpm, not npm.', 'use pnpm', 'npm'],
    ['No, run the tests with vitest rather than jest.', 'run the tests with vitest', 'jest'],
  ])('%s → "%s" over "%s"', (text, prefer, over) => {
    const c = classifySentence(text);
    expect(c).toMatchObject({ polarity: 'contrast', prefer, over });
  });

  it('keys differently phrased statements of one preference by what is preferred over what', () => {
    const keys = [
      'No, use pnpm instead of npm in this repo, we only commit pnpm-lock.yaml.',
      "Don't use npm here, use pnpm instead: the lockfile is pnpm-lock.yaml.",
      'Please use pnpm instead of npm for installing packages.',
    ].map((x) => classifySentence(x)?.normalized);
    expect(keys).toEqual(['!npm pnpm', '!npm pnpm', '!npm pnpm']);
  });

  it('keeps the direction: npm over pnpm is another key', () => {
    expect(classifySentence('use npm rather than pnpm in this repo')?.normalized).toBe('!pnpm npm');
  });
});

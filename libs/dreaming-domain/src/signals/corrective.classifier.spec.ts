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
    // "write tests first" is a complaint of the lexicon (test first), keyed by its meaning.
    ['From now on, write tests first.', 'do', 'intent:cover-with-test'],
    ['From now on, write the changelog entry first.', 'do', 'changelog entry first write'],
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

describe('complaints keyed by what they mean (corrective-intents)', () => {
  it.each([
    ['continue, do not return do all your tasks then return', 'finish-all'],
    ['you have not fixed all the issues go back', 'finish-all'],
    ['fix the remaining warnings smartly and without being lazy using multiple subagents', 'finish-all'],
    ["don't stop until all checks pass", 'finish-all'],
    ['do it yourself', 'act-dont-ask'],
    ['dont tell me what to do, do it yourself without asking', 'act-dont-ask'],
    ['also, from now on, never ask me questions like "Would you like to proceed with ...?" if the next step is obvious', 'act-dont-ask'],
    ['did you push? why not?', 'commit-and-push'],
    ['are all changes committed/pushed?', 'commit-and-push'],
    ['merge in origin/main and resolve conflicts', 'merge-upstream-first'],
    ['i really want to pull in origin/main first.', 'merge-upstream-first'],
    ['did you cover this logic with a test', 'cover-with-test'],
    ['make sure to first make a test that fails before fixing it', 'cover-with-test'],
    ['can you demonstrate for me that this works?', 'demonstrate-by-running'],
    ['show me that the fix worked', 'demonstrate-by-running'],
    ['Update status.md please', 'progress-notes'],
    ["you didn't update the worklog", 'progress-notes'],
  ])('%s → intent:%s', (text, intent) => {
    const [c] = correctiveStatements(text);
    expect(c).toMatchObject({ normalized: `intent:${intent}`, polarity: 'do' });
    expect(c.prefer).toMatch(/^[A-Z]/);
  });

  it.each([
    'implement lazy loading for the images',
    "don't return null from parse",
    'run the tests and report what fails',
    "don't push yet, I want to review first",
    "don't commit and push until I have reviewed it",
    'merge this branch into origin/main',
    'no need to add a test for this',
    'they should update the task spec with a work log as they go',
    'check the status.md to see where we left off',
    'what tasks are available?',
  ])('is not a complaint of the lexicon: %s', (text) => {
    expect(correctiveStatements(text).filter((c) => c.normalized.startsWith('intent:'))).toEqual([]);
  });
});

describe('pointers to a rule file', () => {
  it.each([
    ['@dont-ignore-errors.mdc', 'rule:dont-ignore-errors', 'dont-ignore-errors.mdc'],
    ['fix the tests @dont-ignore-errors.mdc', 'rule:dont-ignore-errors', 'dont-ignore-errors.mdc'],
    ['did you follow@creating-tasks.mdc t', 'rule:creating-tasks', 'creating-tasks.mdc'],
    ['why are we using node? @bun_over_node.mdc', 'rule:bun-over-node', 'bun-over-node.mdc'],
    ['read @CLAUDE.md again', 'rule:claude', 'CLAUDE.md'],
  ])('%s → %s', (text, key, file) => {
    const rules = correctiveStatements(text).filter((c) => c.normalized.startsWith('rule:'));
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({ normalized: key, polarity: 'do' });
    expect(rules[0].prefer).toContain(`\`${file}\``);
  });

  it.each([
    'update the @changelog.mdc rule to specify this process',
    'now update the @tasks-process.mdc doc to specify to use minsky',
    'see @001-update-session-start-task-id.md for the spec',
  ])('is not a pointer to follow a rule: %s', (text) => {
    expect(correctiveStatements(text).filter((c) => c.normalized.startsWith('rule:'))).toEqual([]);
  });

  it('counts a rule once per message', () => {
    expect(correctiveStatements('@dont-ignore-errors.mdc\n\nfix them first, see @dont-ignore-errors.mdc').filter((c) => c.normalized === 'rule:dont-ignore-errors')).toHaveLength(1);
  });
});

describe('"you did A, not B" and choices stated in passing', () => {
  it.each([
    ["you're editing the main workspace, not the session", '!main session', 'use the session', 'the main workspace'],
    ['why are you editing files in the main workspace, not the session repo?', '!main session', 'work in the session repo', 'the main workspace'],
    ['you edited the main workspace file, not the session one. be more careful', '!main session', 'use the session one', 'the main workspace file'],
    ["you're using npm, not pnpm", '!npm pnpm', 'use pnpm', 'npm'],
    ['figure out salient tests yourself (domain modules, not cli commands)', '!cli domain', 'use domain modules', 'cli commands'],
    ['we want to test the domain module, not the cli command', '!cli domain', 'use the domain module', 'the cli command'],
  ])('%s → %s', (text, key, prefer, over) => {
    const c = correctiveStatements(text).find((x) => x.polarity === 'contrast');
    expect(c).toMatchObject({ normalized: key, prefer, over });
  });

  it.each([
    "you're right, not a big deal",
    "it's not working, not even close",
    'I only want to cancel the garden hose, not the entire order.',
    'you are not using the right flag',
    'is it the session, not the main workspace?',
  ])('is not a contrast: %s', (text) => {
    expect(correctiveStatements(text).filter((c) => c.polarity === 'contrast')).toEqual([]);
  });
});

describe('what the user did not write as a statement', () => {
  it.each([
    '+ never use npm here, use pnpm',
    "> Don't use npm, use pnpm.",
    '```\nnever use npm here, use pnpm\n```',
    '$ never use npm',
    'kenth@laptop:~/vsla$ never use npm',
  ])('ignores a quoted, pasted or fenced line: %j', (text) => {
    expect(correctiveStatements(text)).toEqual([]);
  });

  it('keeps the prose around a pasted block', () => {
    expect(correctiveStatements('```\nnpm install\n```\nNo, use pnpm, not npm.').map((c) => c.normalized)).toEqual(['!npm pnpm']);
  });
});

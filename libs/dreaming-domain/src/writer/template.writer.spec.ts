import { imperative, templateWriter } from './template.writer';

describe('template writer', () => {
  it.each([
    ["no, don't use npm here, use pnpm.", 'Do not use npm here, use pnpm'],
    ['I prefer pnpm over npm.', 'Prefer pnpm over npm'],
    ['Please stop force pushing to main!', 'Stop force pushing to main'],
    ['never force-push main', 'Never force-push main'],
    ['I want you to run the tests before committing', 'Run the tests before committing'],
    ['you should always quote paths', 'Always quote paths'],
  ])('turns %j into an imperative', (statement, expected) => {
    expect(imperative(statement)).toBe(expected);
  });

  it('is a LessonWriter that spends no tokens and rejects candidates without facts', async () => {
    await expect(templateWriter.write([{ facts: {} } as never], {})).rejects.toThrow('no known facts.pattern');
    const r = await templateWriter.write([], {});
    expect(r).toEqual({ candidates: [], tokens: { input: 0, output: 0 }, writer: 'template', notes: [] });
  });
});

import { violationsOf } from '../../testing/check';

const active = [
  { id: 'L-force', text: 'Never force push to main (stated by 11 users in 12 sessions).' },
  { id: 'L-pnpm', text: 'Use pnpm instead of npm (stated by 12 users in 15 sessions).' },
  { id: 'L-build', text: 'Run `npm run build` before `npm publish`: without it, `npm publish` failed in 20 sessions.' },
  { id: 'L-lint', text: 'Always run the linter before committing.' },
];
const contradictions = (text: string) => violationsOf(text, { active, evidenceSources: ['user-message'] }).filter((v) => v.rule === 'contradiction');

describe('contradiction', () => {
  it.each([
    ['Do not run `npm run build` before `npm publish`.', 'L-build'],
    ['Use npm instead of pnpm.', 'L-pnpm'],
    ['Do not use pnpm.', 'L-pnpm'],
    ['Always force push to main after a rebase.', 'L-force'],
    ['Never run the linter before committing.', 'L-lint'],
    ['Lesson learned: do not run `npm run build` before `npm publish`.', 'L-build'],
    ['Dо nоt run `npm run build` before `npm publish`.', 'L-build'],
  ])('blocks "%s", naming the active lesson %s', (text, id) => {
    expect(contradictions(text)).toEqual([expect.objectContaining({ activeLessonId: id, detail: expect.stringContaining(id) })]);
  });

  it('reports the instruction of the new lesson as the match', () => {
    expect(contradictions('Use npm instead of pnpm (stated by 2 users).')[0].match).toBe('Use npm instead of pnpm');
  });

  it.each([
    'Run `npm run build` before `npm publish`.',
    'Use pnpm in this repository.',
    'Never force push to a release branch.',
    'Do not run `npm test` before `npm publish`.',
    '`bun run` keeps failing with `error: script not found`: 3 sessions.',
  ])('lets a lesson that agrees or talks about something else pass: %s', (text) => {
    expect(contradictions(text)).toEqual([]);
  });
});

import { LessonDomainError } from '@reverie/lesson-domain';
import { toProblem } from '@reverie/service-kit';
import { concurrencyProblem, lessonProblem } from './lesson-problem';

describe('lessonProblem', () => {
  it.each([
    ['not-found', 404],
    ['already-approved', 409],
    ['not-proposed', 409],
    ['separation-of-duties', 403],
    ['reason-required', 422],
    ['view-missing', 500],
  ] as const)('maps %s to %i with the reason as detail', (code, status) => {
    const problem = toProblem(lessonProblem(new LessonDomainError(code, `because ${code}`)));
    expect(problem).toMatchObject({ status, code, detail: `because ${code}`, type: `urn:reverie:problem:lesson:${code}` });
  });

  it('reports a persistent concurrency conflict as 409', () => {
    expect(toProblem(concurrencyProblem('l1', 4))).toMatchObject({ status: 409, code: 'concurrent-modification' });
  });
});

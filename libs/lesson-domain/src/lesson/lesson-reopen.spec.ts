import { REOPEN_SUPPORT_FACTOR } from './lesson.commands';
import { mayReopen, type ReopenQuestion } from './lesson-reopen';

const rejected = (supportAtRejection: number, supportSessions: number): ReopenQuestion => ({ status: 'rejected', supportAtRejection, supportSessions });
const service = (factor?: number) => ({ byReviewer: false, ...(factor !== undefined && { factor }) });
const reviewer = { byReviewer: true };

describe('mayReopen', () => {
  describe('a rejected lesson, asked by a service', () => {
    it('reopens exactly at factor x support at rejection, not one session before', () => {
      expect(mayReopen(rejected(4, 7), service(2))).toEqual({
        reopen: false, code: 'insufficient-support-growth', reason: 'support is 7 sessions; reopening needs 8 (2 x 4 at rejection)',
      });
      expect(mayReopen(rejected(4, 8), service(2))).toEqual({ reopen: true });
      expect(mayReopen(rejected(4, 9), service(2))).toEqual({ reopen: true });
    });

    it('rounds a fractional bar up: 1.5 x 3 needs 5 sessions', () => {
      expect(mayReopen(rejected(3, 4), service(1.5))).toMatchObject({ reopen: false, reason: /needs 5/ });
      expect(mayReopen(rejected(3, 5), service(1.5))).toEqual({ reopen: true });
    });

    it('uses REOPEN_SUPPORT_FACTOR when no factor is given', () => {
      expect(REOPEN_SUPPORT_FACTOR).toBe(2);
      expect(mayReopen(rejected(5, 9), service())).toMatchObject({ reopen: false, reason: /needs 10 \(2 x 5/ });
      expect(mayReopen(rejected(5, 10), service())).toEqual({ reopen: true });
    });

    it('with factor 1, reopens as soon as support is back to what it was', () => {
      expect(mayReopen(rejected(4, 3), service(1))).toMatchObject({ reopen: false });
      expect(mayReopen(rejected(4, 4), service(1))).toEqual({ reopen: true });
    });
  });

  it('lets a reviewer reopen a rejected lesson whatever its support', () => {
    expect(mayReopen(rejected(4, 0), reviewer)).toEqual({ reopen: true });
  });

  it('lets only a reviewer reopen a retired lesson, whatever its support', () => {
    expect(mayReopen({ status: 'retired', supportSessions: 100 }, service(2))).toEqual({
      reopen: false, code: 'not-rejected', reason: 'only a reviewer may reopen a retired lesson',
    });
    expect(mayReopen({ status: 'retired', supportSessions: 1 }, reviewer)).toEqual({ reopen: true });
  });

  it('never reopens a lesson in review, blocked or served', () => {
    for (const status of ['proposed', 'blocked', 'in-review', 'canary', 'active'] as const) {
      for (const asker of [reviewer, service(1)]) {
        expect(mayReopen({ status, supportSessions: 100 }, asker)).toEqual({
          reopen: false, code: 'not-rejected', reason: `only a rejected, retired, expired or rolled-back lesson can be reopened (status ${status})`,
        });
      }
    }
  });
});

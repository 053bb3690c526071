import { QueryFailedError } from 'typeorm';
import { PoisonMessageError } from './errors';
import { isTransientFailure } from './transient-failure';

describe('isTransientFailure', () => {
  it('knows a dependency that is down or busy from a message that is bad', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const shutdown = new QueryFailedError('SELECT 1', [], Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }));
    const deadlock = Object.assign(new Error('deadlock detected'), { code: '40P01' });
    for (const e of [refused, shutdown, deadlock, new Error('Connection terminated unexpectedly'), new Error('timeout exceeded when trying to connect'), new Error('wrapped', { cause: refused })]) {
      expect([e.message, isTransientFailure(e)]).toEqual([e.message, true]);
    }
    const unique = new QueryFailedError('INSERT', [], Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' }));
    for (const e of [unique, new PoisonMessageError('bad event'), new TypeError('x is undefined'), undefined, 'a string']) expect(isTransientFailure(e)).toBe(false);
  });
});

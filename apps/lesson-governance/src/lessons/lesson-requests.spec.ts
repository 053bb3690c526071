import { BadRequestException } from '@nestjs/common';
import type { Principal } from '@reverie/service-kit';
import { parseRequest, toProblem } from '@reverie/service-kit';
import { decisionActor } from './lesson-actor';
import { approveBody, rejectBody, retireBody } from './lesson-requests';

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(BadRequestException);
    return toProblem(err);
  }
  throw new Error('expected a 400');
};

describe('decision request bodies', () => {
  it('take the note and the reason, and no name of who decides', () => {
    expect(parseRequest(approveBody, { note: 'clear' }, 'body')).toEqual({ note: 'clear' });
    expect(parseRequest(approveBody, undefined, 'body')).toEqual({});
    expect(parseRequest(rejectBody, { reason: 'vague' }, 'body')).toEqual({ reason: 'vague' });
    expect(parseRequest(retireBody, { reason: 'obsolete' }, 'body')).toEqual({ reason: 'obsolete' });
  });

  it('refuse a body that names the reviewer (or who retires): that is the credential, never the body', () => {
    for (const [schema, body, field] of [[approveBody, { reviewer: 'alice' }, 'reviewer'], [rejectBody, { reviewer: 'alice', reason: 'x' }, 'reviewer'], [retireBody, { by: 'alice', reason: 'x' }, 'by']] as const) {
      const problem = refusal(() => parseRequest(schema, body, 'body'));
      expect(problem).toMatchObject({ status: 400 });
      expect(problem.detail).toContain(`body.${field}: not accepted`);
      expect(problem.detail).toContain('authenticated caller');
    }
  });
});

describe('decisionActor', () => {
  const principal = (actor: Principal['actor']): Principal => ({ tenantId: 'acme', actor, roles: new Set(['approver']), credential: { type: 'api-key', keyId: 'k1', name: 'ci' } });

  it('is the verified caller under its credential\'s id, deciding as a reviewer', () => {
    expect(decisionActor(principal({ kind: 'service', id: 'key:ci' }))).toEqual({ kind: 'reviewer', id: 'key:ci' });
    expect(decisionActor(principal({ kind: 'user', id: 'alice@example.com' }))).toEqual({ kind: 'reviewer', id: 'alice@example.com' });
  });
});

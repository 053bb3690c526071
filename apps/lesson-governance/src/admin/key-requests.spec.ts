import { createKeyBody, operatorKeyNames } from './key-requests';

describe('key requests', () => {
  it('knows the names the operator keys act under, given or by position', () => {
    expect([...operatorKeyNames('k1-0000000000000000:acme:admin:ops, k2-0000000000000000:acme, k3-0000000000000000:acme:reviewer')]).toEqual(['ops', 'env-2', 'env-3']);
    expect(operatorKeyNames(undefined).size).toBe(0);
    expect(operatorKeyNames(' ').size).toBe(0);
  });

  it('takes a name and roles only', () => {
    expect(createKeyBody.parse({ name: 'ci.bot@acme', roles: ['ingest', 'agent', 'ingest'] })).toEqual({ name: 'ci.bot@acme', roles: ['ingest', 'agent'] });
    for (const body of [{ name: '-x', roles: ['ingest'] }, { name: 'x'.repeat(101), roles: ['ingest'] }, { name: 'env-12', roles: ['ingest'] }, { name: 'x', roles: 'ingest' }, { name: 'x', roles: ['ingest'], createdBy: 'me' }]) {
      expect(createKeyBody.safeParse(body).success).toBe(false);
    }
  });

  it('takes an owner: a person, never another key', () => {
    expect(createKeyBody.parse({ name: 'ana-laptop', roles: ['ingest'], owner: 'ana@acme.example' })).toMatchObject({ owner: 'ana@acme.example' });
    for (const owner of ['', 'key:ci', 'x'.repeat(257), 7]) expect(createKeyBody.safeParse({ name: 'k', roles: ['ingest'], owner }).success).toBe(false);
  });
});

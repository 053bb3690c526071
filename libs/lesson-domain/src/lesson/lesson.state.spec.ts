import { evolveAll, initialLessonState, evolve } from './lesson.state';
import { alice, approved, bob, evidenceAdded, proposed, rejected, reopened, retired, stored } from '../testing/lesson.fixtures';

describe('lesson evolve', () => {
  it('starts initial', () => expect(initialLessonState()).toEqual({ status: 'initial' }));

  it('records fingerprint, support, proposer and proposing dream on proposal', () => {
    expect(evolveAll([stored(proposed('dream-1'))])).toEqual({
      status: 'proposed',
      fingerprint: 'tool-error:bash:npm-publish-missing-dist',
      version: 0,
      support: expect.objectContaining({ sessions: 4 }),
      proposers: ['dreaming'],
      evidenceDreamIds: ['dream-1'],
      approvals: [],
    });
  });

  it('keeps who ingested the evidence, over every dream that added some', () => {
    const withSources = <T extends { data: { support: object } }>(r: T, sources: string[]): T => ({ ...r, data: { ...r.data, support: { ...r.data.support, sources } } });
    const s = evolveAll([stored(withSources(proposed() as never, ['key:ci', 'alice'])), stored(withSources(evidenceAdded('dream-2') as never, ['bob', 'key:ci']))]);
    expect(s).toMatchObject({ support: { sources: ['alice', 'bob', 'key:ci'] } });
  });

  it('adds support from new evidence once per dream', () => {
    const e = stored(evidenceAdded('dream-2', 3));
    const s = evolveAll([stored(proposed()), e, e]);
    expect(s).toMatchObject({ support: { sessions: 7, occurrences: 9, distinctUsers: 2, lastSeen: '2025-02-28T00:00:00.000Z' } });
    expect(s).toMatchObject({ evidenceDreamIds: ['dream-1', 'dream-2'] });
  });

  it('follows approval, rejection, reopening and retirement', () => {
    expect(evolveAll([proposed(), approved(1, 'bob')].map((e) => stored(e)))).toMatchObject({ status: 'approved', version: 1, approvedBy: 'bob' });
    expect(evolveAll([proposed(), rejected(4)].map((e) => stored(e)))).toMatchObject({ status: 'rejected', supportAtRejection: 4, rejectedBy: 'alice' });
    expect(evolveAll([stored(proposed()), stored(rejected()), stored(reopened(), bob)])).toMatchObject({
      status: 'proposed',
      proposers: ['dreaming', 'bob'],
    });
    expect(evolveAll([proposed(), approved(), retired('carol')].map((e) => stored(e)))).toMatchObject({ status: 'retired', retiredBy: 'carol', version: 1 });
  });

  it('ignores events that cannot apply to a lesson never proposed', () => {
    for (const e of [evidenceAdded(), approved(), rejected(), reopened(), retired()]) {
      expect(evolve(initialLessonState(), stored(e, alice))).toEqual({ status: 'initial' });
    }
  });

  it('ignores a second proposal', () => {
    const s = evolveAll([stored(proposed('dream-1'))]);
    expect(evolve(s, stored(proposed('dream-9')))).toBe(s);
  });
});

import { evolveAll, initialLessonState, evolve } from './lesson.state';
import { alice, approved, bob, checked, claim, edited, evidenceAdded, EXFILTRATION, PASSING, proposed, rejected, reopened, retired, stored } from '../testing/lesson.fixtures';
import { textHashOf } from './lesson-text';
import type { LessonEventRecord } from './lesson.event-records';

describe('lesson evolve', () => {
  it('starts initial', () => expect(initialLessonState()).toEqual({ status: 'initial' }));

  it('records fingerprint, support, proposer and proposing dream on proposal', () => {
    expect(evolveAll([stored(proposed('dream-1'))])).toEqual({
      status: 'proposed',
      kind: 'mistake',
      fingerprint: 'tool-error:bash:npm-publish-missing-dist',
      version: 0,
      text: claim().text,
      textVersion: 1,
      textHash: textHashOf(claim().text),
      latestTextVersion: 1,
      support: expect.objectContaining({ sessions: 4 }),
      proposers: ['dreaming'],
      editors: [],
      evidenceDreamIds: ['dream-1'],
      approvals: [],
      violations: [],
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

  it('follows the guardrails, approval, rejection, reopening and retirement', () => {
    expect(evolveAll([proposed(), checked()].map((e) => stored(e)))).toMatchObject({ status: 'in-review' });
    expect(evolveAll([proposed(), checked(EXFILTRATION)].map((e) => stored(e)))).toMatchObject({ status: 'blocked', violations: EXFILTRATION.violations });
    expect(evolveAll([proposed(), checked(), approved(1, 'bob')].map((e) => stored(e)))).toMatchObject({ status: 'active', version: 1, live: { version: 1, stage: 'active', textVersion: 1 } });
    expect(evolveAll([proposed(), checked(), rejected(4)].map((e) => stored(e)))).toMatchObject({ status: 'rejected', supportAtRejection: 4 });
    expect(evolveAll([stored(proposed()), stored(checked()), stored(rejected()), stored(reopened(), bob)])).toMatchObject({
      status: 'proposed',
      proposers: ['dreaming', 'bob'],
    });
    const retiredState = evolveAll([proposed(), checked(), approved(), retired('carol')].map((e) => stored(e)));
    expect(retiredState).toMatchObject({ status: 'retired', version: 1 });
    expect(retiredState).not.toHaveProperty('live');
  });

  it('ignores a policy check of a text that is no longer the current one', () => {
    const s = evolveAll([proposed(), checked(), edited('Run the build first.')].map((e) => stored(e, bob)));
    expect(evolve(s, stored(checked()))).toBe(s);
  });

  it('serves the previous version again after a rollback of a revision, and nothing after a rollback of the first', () => {
    const revised = [proposed(), checked(), approved(1), edited('Run the build first.'), checked(PASSING, 'Run the build first.', 2), approved(2)].map((e) => stored(e, bob));
    expect(evolveAll(revised)).toMatchObject({ status: 'active', live: { version: 2, text: 'Run the build first.' }, previousLive: { version: 1 } });
    const back = evolveAll([...revised, stored({ type: 'LessonRolledBack', data: { fromVersion: 2, toVersion: 1, reason: 'worse' } })]);
    expect(back).toMatchObject({ status: 'active', text: claim().text, textVersion: 1, latestTextVersion: 2, live: { version: 1, text: claim().text } });
    expect(back).not.toHaveProperty('previousLive');
    const first: LessonEventRecord[] = [proposed(), checked(), approved(1), { type: 'LessonRolledBack', data: { fromVersion: 1, reason: 'worse' } }];
    expect(evolveAll(first.map((e) => stored(e)))).toMatchObject({ status: 'rolled-back' });
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

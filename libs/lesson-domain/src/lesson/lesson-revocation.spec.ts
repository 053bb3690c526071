import type { LessonEvent, QuarantinedSource, Support, SupportSession } from '@reverie/contracts';
import { decideRevocation, independentSources, shortOfRule, supportWithout, type CorroborationRule } from './lesson-revocation';
import type { LessonEventRecord } from './lesson.event-records';
import { evolveAll } from './lesson.state';
import { alice, approved, checked, claim, command, edited, meta, PASSING, stored } from '../testing/lesson.fixtures';
import { decide } from './lesson.decider';
import type { LessonCommand } from './lesson.commands';

const session = (sessionId: string, user: string, key: string, extra: Partial<SupportSession> = {}): SupportSession => ({ sessionId, userIds: [user], ingestedBy: [key], ...extra });
const support = (sessions: SupportSession[]): Support => ({
  sessions: new Set(sessions.map((s) => s.rootId ?? s.sessionId)).size, distinctUsers: new Set(sessions.flatMap((s) => s.userIds ?? [])).size, occurrences: sessions.length * 2,
  firstSeen: '2025-02-01T00:00:00.000Z', lastSeen: '2025-02-20T00:00:00.000Z',
  credentials: [...new Set(sessions.map((s) => s.ingestedBy![0]))].sort(), sources: [...new Set(sessions.flatMap((s) => s.ingestedBy ?? []))].sort(), provenance: sessions,
});
const RULE: CorroborationRule = { counts: 'both', minSessions: 2, minIndependent: { mistake: 1, workflow: 1, preference: 2 } };
/** Four sessions: three from the attacker's key (inventing three users), one from the team's key. */
const POISONED = support([session('a1', 'u-x', 'key:attacker'), session('a2', 'u-y', 'key:attacker'), session('a3', 'u-z', 'key:attacker'), session('t1', 'ana', 'key:team')]);
const HEALTHY = support([session('a1', 'u-x', 'key:attacker'), session('t1', 'ana', 'key:team'), session('t2', 'bo', 'key:team'), session('t3', 'cy', 'key:laptop')]);
const withSupport = (s: Support, kind: 'mistake' | 'preference' = 'mistake'): LessonEventRecord => ({ type: 'LessonProposed', data: { ...claim({ kind }), support: s, dreamId: 'dream-1' } });
const revoke = (events: LessonEventRecord[], sources: QuarantinedSource[] = [{ kind: 'credential', id: 'key:attacker' }]) =>
  decideRevocation('acme', 'lesson-1', evolveAll(events.map((e) => stored(e))), { revocationId: 'rev-1', sources, reason: 'hostile key', rule: RULE }, meta(alice));

describe('independent corroboration', () => {
  it('counts one credential inventing users once, unless the tenant counts users', () => {
    const oneKey = support([session('a1', 'u-x', 'key:attacker'), session('a2', 'u-y', 'key:attacker'), session('a3', 'u-z', 'key:attacker')]);
    expect(independentSources(oneKey, 'both')).toBe(1);
    expect(independentSources(oneKey, 'credentials')).toBe(1);
    expect(independentSources(oneKey, 'users')).toBe(3);
    expect(shortOfRule('preference', oneKey, RULE)).toMatch(/1 independent source\(s\) \(3 user\(s\) as asserted, 1 ingesting credential\(s\); counted as both\); a preference lesson needs 2/);
    expect(shortOfRule('mistake', oneKey, RULE)).toBeUndefined();
    expect(shortOfRule('mistake', support([session('a1', 'u', 'k')]), RULE)).toMatch(/1 independent session\(s\); the tenant needs 2/);
  });
});

describe('supportWithout', () => {
  it('recounts sessions, users and credentials from the sessions that remain', () => {
    const { support: left, removedSessions } = supportWithout(POISONED, [{ kind: 'credential', id: 'key:attacker' }]);
    expect(removedSessions).toBe(3);
    expect(left).toMatchObject({ sessions: 1, distinctUsers: 1, occurrences: 2, credentials: ['key:team'], sources: ['key:team'], provenance: [expect.objectContaining({ sessionId: 't1' })] });
  });

  it('takes out a session with its sidechains, and a user wherever it was named', () => {
    const s = support([session('root', 'ana', 'k1'), session('side', 'ana', 'k1', { rootId: 'root' }), session('other', 'bo', 'k2')]);
    expect(supportWithout(s, [{ kind: 'session', id: 'root' }]).support).toMatchObject({ sessions: 1, provenance: [expect.objectContaining({ sessionId: 'other' })] });
    expect(supportWithout(s, [{ kind: 'user', id: 'ana' }]).removedSessions).toBe(2);
  });

  it('changes nothing when the sources supported nothing', () => {
    expect(supportWithout(POISONED, [{ kind: 'session', id: 'elsewhere' }])).toEqual({ support: POISONED, removedSessions: 0 });
  });
});

describe('decideRevocation', () => {
  it('withdraws a served lesson for good when what is left falls short', () => {
    const { records, outcome } = revoke([withSupport(POISONED), checked(), approved()]);
    expect(records.map((r) => r.type)).toEqual(['LessonEvidenceRevoked', 'LessonRolledBack']);
    expect(records[1]).toMatchObject({ data: { fromVersion: 1, reason: expect.stringMatching(/^revocation rev-1: hostile key \(left: 1 independent session/) } });
    expect(records[1].data).not.toHaveProperty('reviewAgain');
    expect(outcome).toEqual({ action: 'rolled-back', status: 'rolled-back', before: { sessions: 4, users: 4, credentials: 2 }, after: { sessions: 1, users: 1, credentials: 1 } });
  });

  it('withdraws a served lesson back to review when enough is left, for a new approval', () => {
    const { records, outcome } = revoke([withSupport(HEALTHY), checked(), approved()]);
    expect(records.map((r) => r.type)).toEqual(['LessonEvidenceRevoked', 'LessonRolledBack']);
    expect(records[1].data).toMatchObject({ reviewAgain: true });
    expect(outcome).toMatchObject({ action: 'back-to-review', status: 'in-review', after: { sessions: 3, users: 3, credentials: 2 } });
  });

  it('rejects a lesson in review that falls short, and only reduces the support of one that does not', () => {
    expect(revoke([withSupport(POISONED), checked()]).outcome).toMatchObject({ action: 'rejected', status: 'rejected' });
    expect(revoke([withSupport(HEALTHY), checked()]).outcome).toMatchObject({ action: 'support-reduced', status: 'in-review' });
  });

  it('leaves a lesson the sources did not support alone', () => {
    expect(revoke([withSupport(POISONED), checked()], [{ kind: 'session', id: 'elsewhere' }])).toEqual({ records: [] });
  });

  it('voids approvals given on the evidence as it was', () => {
    const history: LessonEvent[] = [withSupport(HEALTHY), checked(), { type: 'LessonApprovalRecorded', data: { reviewer: 'bob', approvals: 1, required: 2 } }].map((e) => stored(e as LessonEventRecord));
    const { records } = decideRevocation('acme', 'lesson-1', evolveAll(history), { revocationId: 'rev-1', sources: [{ kind: 'credential', id: 'key:attacker' }], reason: 'x', rule: RULE }, meta(alice));
    const after = evolveAll([...history, ...records.map((r) => stored(r))]);
    expect(after).toMatchObject({ status: 'in-review', approvals: [] });
  });

  describe('when an erasure finds the lesson\'s words quoting the erased data', () => {
    const quoted = (events: LessonEventRecord[]) => {
      const history = events.map((e) => stored(e));
      const sources: QuarantinedSource[] = [{ kind: 'session', id: 't1' }];
      const decision = decideRevocation('acme', 'lesson-1', evolveAll(history), { revocationId: 'er-1', sources, reason: 'erasure: request #42', rule: RULE, wordsQuoted: true }, meta(alice));
      return { ...decision, after: evolveAll([...history, ...decision.records.map((r) => stored(r))]) };
    };

    it('withdraws a served lesson for good even when enough support is left, and closes it', () => {
      const { records, outcome, after } = quoted([withSupport(HEALTHY), checked(), approved()]);
      expect(records.map((r) => r.type)).toEqual(['LessonEvidenceRevoked', 'LessonRolledBack']);
      expect(records[0].data).toMatchObject({ wordsErased: true });
      expect(records[1].data).not.toHaveProperty('reviewAgain');
      expect(records[1].data).not.toHaveProperty('toVersion');
      expect(outcome).toMatchObject({ action: 'words-erased', status: 'rolled-back', after: { sessions: 3 } });
      expect(after).toMatchObject({ status: 'rolled-back', wordsErased: true });
    });

    it('rejects a revision in review and then withdraws the served version it would replace', () => {
      const { records, after } = quoted([withSupport(HEALTHY), checked(), approved(), edited('A better wording of it', 2), checked(PASSING, 'A better wording of it', 2)]);
      expect(records.map((r) => r.type)).toEqual(['LessonEvidenceRevoked', 'LessonRejected', 'LessonRolledBack']);
      expect(after.status).toBe('rolled-back');
    });

    it('rejects a lesson in review; a closed lesson is refused approval, edits and reopening', () => {
      const { outcome, after } = quoted([withSupport(HEALTHY), checked()]);
      expect(outcome).toMatchObject({ action: 'words-erased', status: 'rejected' });
      const bob = { kind: 'reviewer' as const, id: 'bob' };
      for (const c of [
        command('ReopenLesson', { reason: 'try again', policyCheck: PASSING }, bob),
        command('ApproveLesson', {}, bob),
        command('EditLesson', { text: 'new words', policyCheck: PASSING }, bob),
      ] as LessonCommand[]) expect(() => decide(c, after)).toThrow(expect.objectContaining({ code: 'words-erased' }));
    });
  });
});

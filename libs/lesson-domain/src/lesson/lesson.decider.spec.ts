import type {
  AddLessonEvidence, ApproveLesson, ProposeLesson, RejectLesson, ReopenLesson, RetireLesson,
} from './lesson.commands';
import type { Actor } from '@reverie/contracts';
import type { LessonEventRecord } from './lesson.event-records';
import { given } from '../testing/given-when-then';
import {
  alice, approved, bob, claim, command, dreaming, evidenceAdded, proposed, rejected, reopened, retired, stored,
} from '../testing/lesson.fixtures';

const propose = (dreamId = 'dream-1') => command<ProposeLesson>('ProposeLesson', { ...claim(), dreamId });
const addEvidence = (dreamId = 'dream-2', sessions = 4) =>
  command<AddLessonEvidence>('AddLessonEvidence', evidenceAdded(dreamId, sessions).data as AddLessonEvidence['data']);
const approve = (actor = alice, note?: string) => command<ApproveLesson>('ApproveLesson', note ? { note } : {}, actor);
const reject = (reason = 'too vague', actor = alice) => command<RejectLesson>('RejectLesson', { reason }, actor);
const reopen = (actor = dreaming, supportGrowthFactor?: number) =>
  command<ReopenLesson>('ReopenLesson', { dreamId: 'dream-3', reason: 'support grew', ...(supportGrowthFactor !== undefined && { supportGrowthFactor }) }, actor);
/** A proposal whose supporting sessions were ingested by `sources`. */
const sourcedBy = (sources: string[]): LessonEventRecord => {
  const p = proposed() as Extract<LessonEventRecord, { type: 'LessonProposed' }>;
  return { ...p, data: { ...p.data, support: { ...p.data.support, sources } } };
};
const sourcedEvidence = (sources: string[]): LessonEventRecord => {
  const e = evidenceAdded('dream-2') as Extract<LessonEventRecord, { type: 'LessonEvidenceAdded' }>;
  return { ...e, data: { ...e.data, support: { ...e.data.support, sources } } };
};
const retire = (reason = 'tooling changed', actor = alice) => command<RetireLesson>('RetireLesson', { reason }, actor);

describe('lesson decider', () => {
  describe('ProposeLesson', () => {
    it('proposes a new lesson', () => given([]).when(propose()).then([proposed()]));
    it('is a no-op when the same dream proposes the same lesson again (retry)', () =>
      given([proposed('dream-1')]).when(propose('dream-1')).then([]));
    it('refuses a second proposal from another dream', () =>
      given([proposed('dream-1')]).when(propose('dream-9')).thenThrows('already-proposed', /add evidence/));
    it('refuses a proposal with an invalid claim, naming the field', () =>
      given([]).when(command<ProposeLesson>('ProposeLesson', { ...claim({ confidence: 3 }), dreamId: 'd' }))
        .thenThrows('invalid-command', /data\.confidence/));
    it('refuses a command whose clock is not an ISO date-time', () =>
      given([]).when({ ...propose(), metadata: { ...propose().metadata, now: 'yesterday' } })
        .thenThrows('invalid-command', /metadata\.now/));
  });

  describe('AddLessonEvidence', () => {
    it('adds evidence to a proposed lesson', () => given([proposed()]).when(addEvidence()).then([evidenceAdded()]));
    it('adds evidence to an approved lesson', () =>
      given([proposed(), approved()]).when(addEvidence()).then([evidenceAdded()]));
    it('adds evidence to a rejected lesson (it may earn a reopening)', () =>
      given([proposed(), rejected()]).when(addEvidence()).then([evidenceAdded()]));
    it('is a no-op for a dream whose evidence is already counted', () =>
      given([proposed(), evidenceAdded('dream-2')]).when(addEvidence('dream-2')).then([]));
    it('is a no-op for the proposing dream', () => given([proposed('dream-1')]).when(addEvidence('dream-1')).then([]));
    it('refuses evidence for a retired lesson', () =>
      given([proposed(), approved(), retired()]).when(addEvidence()).thenThrows('already-retired'));
    it('refuses evidence for a lesson never proposed', () => given([]).when(addEvidence()).thenThrows('not-found'));
  });

  describe('ApproveLesson', () => {
    it('approves a proposed lesson as version 1', () =>
      given([proposed()]).when(approve(alice, 'clear')).then([{ type: 'LessonApproved', data: { reviewer: 'alice', note: 'clear', version: 1 } }]));
    it('approves a lesson reopened after retirement as the next version', () =>
      given([proposed(), approved(1), retired(), stored(reopened(), bob)]).when(approve(alice)).then([approved(2, 'alice')]));
    it('refuses to approve twice', () => given([proposed(), approved()]).when(approve(bob)).thenThrows('already-approved'));
    it('refuses to approve a rejected lesson', () =>
      given([proposed(), rejected()]).when(approve()).thenThrows('not-proposed', /reopen it first/));
    it('refuses to approve a retired lesson', () =>
      given([proposed(), approved(), retired()]).when(approve(bob)).thenThrows('already-retired'));
    it('refuses to approve a lesson never proposed', () => given([]).when(approve()).thenThrows('not-found'));
    it('refuses an approval by a service or an agent', () => {
      given([proposed()]).when(approve(dreaming)).thenThrows('not-a-reviewer', /service "dreaming"/);
      given([proposed()]).when(approve({ kind: 'agent', id: 'coder' })).thenThrows('not-a-reviewer');
    });
    it('accepts an approval by a user', () =>
      given([proposed()]).when(approve({ kind: 'user', id: 'carol' })).then([approved(1, 'carol')]));
    it('refuses an approval by the actor who proposed the lesson (separation of duties)', () =>
      given([stored(proposed(), { kind: 'user', id: 'alice' })]).when(approve(alice)).thenThrows('separation-of-duties', /"alice"/));
    it('refuses an approval by the actor who reopened the lesson', () =>
      given([proposed(), rejected(), stored(reopened(), bob)]).when(approve(bob)).thenThrows('separation-of-duties'));
    it('refuses an approval by an identity that ingested sessions of the evidence (its own credential or a key it owns)', () =>
      given([sourcedBy(['key:ci-ingest', 'alice'])]).when(approve(alice)).thenThrows('separation-of-duties', /"alice" ingested sessions that are evidence/));
    it('refuses an approval by a source added with later evidence', () =>
      given([proposed(), sourcedEvidence(['bob'])]).when(approve(bob)).thenThrows('separation-of-duties', /"bob" ingested/));
    it('accepts an approval by a reviewer who is not among the sources', () =>
      given([sourcedBy(['key:ci-ingest', 'alice'])]).when(approve(bob)).then([approved(1, 'bob')]));
  });

  describe('ApproveLesson under a two-person policy', () => {
    const approveOf = (actor: Actor, requiredApprovals: number) => command<ApproveLesson>('ApproveLesson', { requiredApprovals }, actor);
    const carol: Actor = { kind: 'user', id: 'carol' };
    const recorded = (reviewer: string, approvals: number, required = 2): LessonEventRecord =>
      ({ type: 'LessonApprovalRecorded', data: { reviewer, approvals, required } });

    it('records the first approval and keeps the lesson proposed', () =>
      given([proposed()]).when(approveOf(alice, 2)).then([recorded('alice', 1)]));
    it('approves with the second distinct approver, naming both', () =>
      given([proposed(), recorded('alice', 1)]).when(approveOf(bob, 2))
        .then([{ type: 'LessonApproved', data: { reviewer: 'bob', version: 1, approvers: ['alice', 'bob'] } }]));
    it('refuses the same approver twice', () =>
      given([proposed(), recorded('alice', 1)]).when(approveOf(alice, 2)).thenThrows('already-approved-by-reviewer', /another approver/));
    it('needs three for a three-person policy', () =>
      given([proposed(), recorded('alice', 1, 3)]).when(approveOf(bob, 3)).then([recorded('bob', 2, 3)]));
    it('forgets the approvals when the lesson is rejected and reopened', () =>
      given([proposed(), recorded('alice', 1), rejected(4, 'bob'), stored(reopened(), dreaming)]).when(approveOf(carol, 2)).then([recorded('carol', 1)]));
    it('does not count an earlier approval whose approver has since become a source of the evidence', () =>
      given([proposed(), recorded('alice', 1), sourcedEvidence(['alice'])]).when(approveOf(bob, 2)).then([recorded('bob', 1)]));
    it('refuses a policy of more than ten approvers', () =>
      given([proposed()]).when(approveOf(alice, 11)).thenThrows('invalid-command', /requiredApprovals/));
  });

  describe('RejectLesson', () => {
    it('rejects a proposed lesson, recording its support at rejection', () =>
      given([proposed(), evidenceAdded('dream-2', 3)]).when(reject()).then([rejected(4 + 3)]));
    it('trims the reason', () =>
      given([proposed()]).when(reject('  too vague  ')).then([rejected(4)]));
    it('refuses a rejection without a reason', () => {
      given([proposed()]).when(reject('')).thenThrows('reason-required');
      given([proposed()]).when(reject('   ')).thenThrows('reason-required');
    });
    it('refuses to reject twice', () => given([proposed(), rejected()]).when(reject()).thenThrows('already-rejected'));
    it('refuses to reject an approved lesson', () =>
      given([proposed(), approved()]).when(reject()).thenThrows('already-approved', /retire it/));
    it('refuses to reject a retired lesson', () =>
      given([proposed(), approved(), retired()]).when(reject()).thenThrows('already-retired'));
    it('refuses a rejection by a service', () => given([proposed()]).when(reject('no', dreaming)).thenThrows('not-a-reviewer'));
    it('refuses to reject a lesson never proposed', () => given([]).when(reject()).thenThrows('not-found'));
  });

  describe('ReopenLesson', () => {
    it('reopens a rejected lesson whose support reached twice the support at rejection', () =>
      given([proposed(), rejected(4), evidenceAdded('dream-2', 4)]).when(reopen()).then([reopened()]));
    it('refuses to reopen when support has not grown enough', () =>
      given([proposed(), rejected(4), evidenceAdded('dream-2', 3)]).when(reopen())
        .thenThrows('insufficient-support-growth', /7 sessions; reopening needs 8/));
    it('honours a configured growth factor', () =>
      given([proposed(), rejected(4), evidenceAdded('dream-2', 2)]).when(reopen(dreaming, 1.5)).then([reopened()]));
    it('refuses one session short of a configured growth factor (mayReopen decides)', () =>
      given([proposed(), rejected(4), evidenceAdded('dream-2', 1)]).when(reopen(dreaming, 1.5))
        .thenThrows('insufficient-support-growth', /5 sessions; reopening needs 6 \(1\.5 x 4 at rejection\)/));
    it('lets a reviewer reopen regardless of support', () =>
      given([proposed(), rejected(4)]).when(reopen(bob)).then([reopened()]));
    it('refuses to reopen a proposed or approved lesson', () => {
      given([proposed()]).when(reopen(bob)).thenThrows('not-rejected');
      given([proposed(), approved()]).when(reopen(bob)).thenThrows('not-rejected');
    });
    it('lets only a reviewer reopen a retired lesson', () => {
      given([proposed(), approved(), retired()]).when(reopen(bob)).then([reopened()]);
      given([proposed(), approved(), retired()]).when(reopen(dreaming)).thenThrows('not-rejected', /only a reviewer/);
    });
    it('refuses to reopen a lesson never proposed', () => given([]).when(reopen()).thenThrows('not-found'));
  });

  describe('RetireLesson', () => {
    it('retires an approved lesson', () => given([proposed(), approved()]).when(retire()).then([retired()]));
    it('lets a service retire an approved lesson (revocation)', () =>
      given([proposed(), approved()]).when(retire('bad session', dreaming)).then([{ type: 'LessonRetired', data: { by: 'dreaming', reason: 'bad session' } }]));
    it('refuses to retire a proposed or rejected lesson', () => {
      given([proposed()]).when(retire()).thenThrows('not-approved');
      given([proposed(), rejected()]).when(retire()).thenThrows('not-approved');
    });
    it('refuses to retire twice', () => given([proposed(), approved(), retired()]).when(retire()).thenThrows('already-retired'));
    it('refuses a retirement without a reason', () => given([proposed(), approved()]).when(retire(' ')).thenThrows('reason-required'));
    it('refuses to retire a lesson never proposed', () => given([]).when(retire()).thenThrows('not-found'));
  });

  describe('full lifecycle', () => {
    it('rejected, then reopened on grown support, is approved as version 1', () =>
      given([proposed(), rejected(4), evidenceAdded('dream-2', 5), reopened()]).when(approve(bob)).then([approved(1, 'bob')]));
    it('approved, retired, reopened by a reviewer, approved again: version 2, then 3', () => {
      const history = [proposed(), approved(1), retired(), stored(reopened(), bob)];
      given(history).when(approve(alice)).then([approved(2, 'alice')]);
      given([...history, approved(2), retired(), stored(reopened(), bob)]).when(approve(alice)).then([approved(3, 'alice')]);
    });
  });
});

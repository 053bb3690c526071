import {
  REVIEWER_KINDS,
  type AddLessonEvidence,
  type ApproveLesson,
  type LessonCommand,
  type ProposeLesson,
  type RejectLesson,
  type ReopenLesson,
  type RetireLesson,
} from './lesson.commands';
import { validateLessonCommand } from './lesson-command.validation';
import { LessonDomainError } from './lesson-domain.error';
import { mayReopen } from './lesson-reopen';
import type { LessonEventRecord } from './lesson.event-records';
import type { LessonState, LessonStatusOf } from './lesson.state';

/**
 * Decides what a command on a lesson means, given the lesson's current state: the new events, or
 * `[]` when the command was already applied (a retried proposal or evidence from a dream already
 * counted), or a LessonDomainError when it is not allowed.
 */
export function decide(command: LessonCommand, state: LessonState): LessonEventRecord[] {
  validateLessonCommand(command);
  switch (command.type) {
    case 'ProposeLesson':
      return propose(command, state);
    case 'AddLessonEvidence':
      return addEvidence(command, state);
    case 'ApproveLesson':
      return approve(command, state);
    case 'RejectLesson':
      return reject(command, state);
    case 'ReopenLesson':
      return reopen(command, state);
    case 'RetireLesson':
      return retire(command, state);
    default:
      return exhaustive(command);
  }
}

function propose(command: ProposeLesson, state: LessonState): LessonEventRecord[] {
  if (state.status === 'initial') return [{ type: 'LessonProposed', data: command.data }];
  if (state.evidenceDreamIds[0] === command.data.dreamId && state.fingerprint === command.data.fingerprint) {
    return []; // the same dream proposing again: a retry of a proposal already made
  }
  throw new LessonDomainError(
    'already-proposed',
    `lesson already exists (status ${state.status}, fingerprint "${state.fingerprint}"): add evidence to it instead of proposing it again`,
  );
}

function addEvidence(command: AddLessonEvidence, state: LessonState): LessonEventRecord[] {
  if (state.status === 'initial') throw notFound('add evidence to');
  if (state.status === 'retired') {
    throw new LessonDomainError('already-retired', 'cannot add evidence to a retired lesson');
  }
  if (state.evidenceDreamIds.includes(command.data.dreamId)) return [];
  return [{ type: 'LessonEvidenceAdded', data: command.data }];
}

function approve(command: ApproveLesson, state: LessonState): LessonEventRecord[] {
  const reviewer = requireReviewer(command, 'approve');
  switch (state.status) {
    case 'initial':
      throw notFound('approve');
    case 'approved':
      throw new LessonDomainError('already-approved', `lesson is already approved (version ${state.version})`);
    case 'rejected':
      throw new LessonDomainError('not-proposed', 'cannot approve a rejected lesson: reopen it first');
    case 'retired':
      throw new LessonDomainError('already-retired', 'cannot approve a retired lesson');
    case 'proposed': {
      const conflict = conflictOfInterest(state, reviewer);
      if (conflict) throw new LessonDomainError('separation-of-duties', `"${reviewer}" ${conflict} and so may not approve it`);
      if (state.approvals.includes(reviewer)) {
        throw new LessonDomainError('already-approved-by-reviewer', `"${reviewer}" has already approved this proposal; another approver must approve it`);
      }
      const required = command.data.requiredApprovals ?? 1;
      const note = command.data.note !== undefined ? { note: command.data.note } : {};
      // An earlier approval counts only while its approver is still free of conflict (new evidence may come from them).
      const approvers = [...state.approvals.filter((a) => !conflictOfInterest(state, a)), reviewer];
      if (approvers.length < required) {
        return [{ type: 'LessonApprovalRecorded', data: { reviewer, ...note, approvals: approvers.length, required } }];
      }
      return [{ type: 'LessonApproved', data: { reviewer, ...note, version: state.version + 1, ...(required > 1 && { approvers }) } }];
    }
    default:
      return exhaustive(state);
  }
}

/**
 * Why `reviewer` may not approve this lesson, if they may not: they proposed or reopened it, or
 * sessions they ingested (themselves or through a key they own) are its evidence.
 */
function conflictOfInterest(state: LessonStatusOf<'proposed'>, reviewer: string): string | undefined {
  if (state.proposers.includes(reviewer)) return 'proposed or reopened this lesson';
  if (state.support.sources?.includes(reviewer)) return 'ingested sessions that are evidence for this lesson (with their own credential or a key they own)';
  return undefined;
}

function reject(command: RejectLesson, state: LessonState): LessonEventRecord[] {
  const reviewer = requireReviewer(command, 'reject');
  const reason = requireReason(command.data.reason, 'reject');
  switch (state.status) {
    case 'initial':
      throw notFound('reject');
    case 'approved':
      throw new LessonDomainError('already-approved', 'cannot reject an approved lesson: retire it instead');
    case 'rejected':
      throw new LessonDomainError('already-rejected', 'lesson is already rejected');
    case 'retired':
      throw new LessonDomainError('already-retired', 'cannot reject a retired lesson');
    case 'proposed':
      return [{ type: 'LessonRejected', data: { reviewer, reason, supportAtRejection: state.support.sessions } }];
    default:
      return exhaustive(state);
  }
}

function reopen(command: ReopenLesson, state: LessonState): LessonEventRecord[] {
  if (state.status === 'initial') throw notFound('reopen');
  // The rule is mayReopen's, shared with dreaming's dedup. A reopened retired lesson's next approval is a new version.
  const verdict = mayReopen(
    state.status === 'rejected'
      ? { status: 'rejected', supportSessions: state.support.sessions, supportAtRejection: state.supportAtRejection }
      : { status: state.status, supportSessions: state.support.sessions },
    { byReviewer: REVIEWER_KINDS.includes(command.metadata.actor.kind), factor: command.data.supportGrowthFactor },
  );
  if (!verdict.reopen) throw new LessonDomainError(verdict.code, verdict.reason);
  return [{ type: 'LessonReopened', data: { dreamId: command.data.dreamId, reason: command.data.reason } }];
}

function retire(command: RetireLesson, state: LessonState): LessonEventRecord[] {
  const reason = requireReason(command.data.reason, 'retire');
  switch (state.status) {
    case 'initial':
      throw notFound('retire');
    case 'retired':
      throw new LessonDomainError('already-retired', 'lesson is already retired');
    case 'proposed':
    case 'rejected':
      throw new LessonDomainError('not-approved', `only an approved lesson can be retired (status ${state.status})`);
    case 'approved':
      return [{ type: 'LessonRetired', data: { by: command.metadata.actor.id, reason } }];
    default:
      return exhaustive(state);
  }
}

function requireReviewer(command: ApproveLesson | RejectLesson, verb: string): string {
  const { actor } = command.metadata;
  if (!REVIEWER_KINDS.includes(actor.kind)) {
    throw new LessonDomainError(
      'not-a-reviewer',
      `only a ${REVIEWER_KINDS.join(' or ')} may ${verb} a lesson, not ${actor.kind} "${actor.id}"`,
    );
  }
  return actor.id;
}

function requireReason(reason: string, verb: string): string {
  const trimmed = reason.trim();
  if (!trimmed) throw new LessonDomainError('reason-required', `a reason is required to ${verb} a lesson`);
  return trimmed;
}

const notFound = (verb: string) => new LessonDomainError('not-found', `cannot ${verb} a lesson that was never proposed`);

function exhaustive(x: never): never {
  throw new LessonDomainError('invalid-command', `unhandled case: ${JSON.stringify(x)}`);
}

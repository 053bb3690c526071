import {
  DEFAULT_REVIEW_AFTER_MS,
  REVIEWER_KINDS,
  type AddLessonEvidence,
  type ApproveLesson,
  type EditLesson,
  type ExpireLesson,
  type LessonCommand,
  type PolicyCheck,
  type PromoteLesson,
  type ProposeLesson,
  type RejectLesson,
  type ReopenLesson,
  type RetireLesson,
  type RevokeLessonEvidence,
  type RollBackLesson,
} from './lesson.commands';
import { validateLessonCommand } from './lesson-command.validation';
import { LessonDomainError } from './lesson-domain.error';
import { mayReopen } from './lesson-reopen';
import type { LessonEventRecord } from './lesson.event-records';
import type { LessonState } from './lesson.state';
import { textDiff, textHashOf } from './lesson-text';

type Existing = Exclude<LessonState, { status: 'initial' }>;

/**
 * Decides what a command on a lesson means, given the lesson's current state: the new events, or
 * `[]` when the command was already applied (a retried proposal or evidence from a dream already
 * counted), or a LessonDomainError when it is not allowed.
 *
 *   proposed ─policy─▶ blocked ◀─edit─▶ in-review ─approve─▶ canary ─promote─▶ active
 *                          │               │                   │  ╲              │ ╲
 *                        reject          reject          roll back ╲ retire    roll back, retire, expire
 */
export function decide(command: LessonCommand, state: LessonState): LessonEventRecord[] {
  validateLessonCommand(command);
  switch (command.type) {
    case 'ProposeLesson':
      return propose(command, state);
    case 'AddLessonEvidence':
      return addEvidence(command, existing(state, 'add evidence to'));
    case 'EditLesson':
      return edit(command, intact(existing(state, 'edit'), 'edit'));
    case 'ApproveLesson':
      return approve(command, intact(existing(state, 'approve'), 'approve'));
    case 'RejectLesson':
      return reject(command, existing(state, 'reject'));
    case 'ReopenLesson':
      return reopen(command, intact(existing(state, 'reopen'), 'reopen'));
    case 'RetireLesson':
      return retire(command, existing(state, 'retire'));
    case 'PromoteLesson':
      return promote(command, intact(existing(state, 'promote'), 'promote'));
    case 'RollBackLesson':
      return rollBack(command, existing(state, 'roll back'));
    case 'RevokeLessonEvidence':
      return revokeEvidence(command, existing(state, 'revoke evidence of'));
    case 'ExpireLesson':
      return expire(command, existing(state, 'expire'));
    default:
      return exhaustive(command);
  }
}

function propose(command: ProposeLesson, state: LessonState): LessonEventRecord[] {
  const { policyCheck, ...claim } = command.data;
  const textHash = textHashOf(claim.text);
  if (state.status === 'initial') return [{ type: 'LessonProposed', data: { ...claim, textHash } }, checked(1, textHash, policyCheck)];
  if (state.evidenceDreamIds[0] === claim.dreamId && state.fingerprint === claim.fingerprint) {
    return []; // the same dream proposing again: a retry of a proposal already made
  }
  throw new LessonDomainError(
    'already-proposed',
    `lesson already exists (status ${state.status}, fingerprint "${state.fingerprint}"): add evidence to it instead of proposing it again`,
  );
}

function addEvidence(command: AddLessonEvidence, state: Existing): LessonEventRecord[] {
  if (state.status === 'retired') throw new LessonDomainError('already-retired', 'cannot add evidence to a retired lesson');
  if (state.evidenceDreamIds.includes(command.data.dreamId)) return [];
  return [{ type: 'LessonEvidenceAdded', data: command.data }];
}

/** A new text version, checked at once; a served lesson keeps serving its live version while the revision is reviewed. */
function edit(command: EditLesson, state: Existing): LessonEventRecord[] {
  requireReviewer(command, 'edit');
  if (!['blocked', 'in-review', 'canary', 'active'].includes(state.status)) {
    throw new LessonDomainError('not-editable', `only a lesson in review, blocked or served can be edited (status ${state.status})`);
  }
  const text = command.data.text.trim();
  if (!text) throw new LessonDomainError('text-required', 'the edited text is empty');
  const textHash = textHashOf(text);
  if (textHash === state.textHash) throw new LessonDomainError('unchanged-text', 'the edited text is the same as the current one');
  const textVersion = state.latestTextVersion + 1;
  const rationale = command.data.rationale?.trim();
  return [
    { type: 'LessonEdited', data: { textVersion, text, ...(rationale && { rationale }), textHash, previousTextHash: state.textHash, diff: textDiff(state.text, text) } },
    checked(textVersion, textHash, command.data.policyCheck),
  ];
}

function approve(command: ApproveLesson, state: Existing): LessonEventRecord[] {
  const reviewer = requireReviewer(command, 'approve');
  if (state.status !== 'in-review') throw notInReview(state, 'approve');
  if (command.data.textHash !== undefined && command.data.textHash !== state.textHash) {
    throw new LessonDomainError('stale-version', `the text was edited since you read it: approve text version ${state.textVersion} (${state.textHash.slice(0, 12)}…) after reading it`);
  }
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
    return [{ type: 'LessonApprovalRecorded', data: { reviewer, ...note, approvals: approvers.length, required, textHash: state.textHash } }];
  }
  const now = Date.parse(command.metadata.now);
  const policy = command.data.rollout;
  const rollout = policy && policy.canaryShare > 0 && policy.canaryShare < 1 && policy.canaryPeriodMs > 0
    ? { stage: 'canary' as const, share: policy.canaryShare, promoteAt: new Date(now + policy.canaryPeriodMs).toISOString() }
    : { stage: 'active' as const };
  const reviewBy = new Date(now + (policy?.reviewAfterMs ?? DEFAULT_REVIEW_AFTER_MS)).toISOString();
  return [{
    type: 'LessonApproved',
    data: {
      reviewer, ...note, version: state.version + 1, textVersion: state.textVersion, textHash: state.textHash,
      ...(required > 1 && { approvers }), rollout, reviewBy,
    },
  }];
}

/**
 * Why `reviewer` may not approve this lesson, if they may not: they proposed or reopened it,
 * edited its text, or sessions they ingested (themselves or through a key they own) are its evidence.
 */
function conflictOfInterest(state: Existing, reviewer: string): string | undefined {
  if (state.proposers.includes(reviewer)) return 'proposed or reopened this lesson';
  if (state.editors.includes(reviewer)) return 'edited this lesson';
  if (state.support.sources?.includes(reviewer)) return 'ingested sessions that are evidence for this lesson (with their own credential or a key they own)';
  return undefined;
}

/** A proposal (in review or blocked) is closed; a rejected revision of a served lesson leaves the served version as it is. */
function reject(command: RejectLesson, state: Existing): LessonEventRecord[] {
  const reviewer = requireReviewer(command, 'reject');
  const reason = requireReason(command.data.reason, 'reject');
  if (state.status === 'rejected') throw new LessonDomainError('already-rejected', 'lesson is already rejected');
  if (state.status !== 'in-review' && state.status !== 'blocked') {
    throw new LessonDomainError('not-in-review', `only a lesson in review or blocked can be rejected (status ${state.status})${state.live ? ': roll it back or retire it instead' : ''}`);
  }
  return [{ type: 'LessonRejected', data: { reviewer, reason, supportAtRejection: state.support.sessions } }];
}

function reopen(command: ReopenLesson, state: Existing): LessonEventRecord[] {
  // The rule is mayReopen's, shared with dreaming's dedup. A reopened lesson's next approval is a new version.
  const verdict = mayReopen(
    state.status === 'rejected'
      ? { status: 'rejected', supportSessions: state.support.sessions, supportAtRejection: state.supportAtRejection }
      : { status: state.status, supportSessions: state.support.sessions },
    { byReviewer: REVIEWER_KINDS.includes(command.metadata.actor.kind), factor: command.data.supportGrowthFactor },
  );
  if (!verdict.reopen) throw new LessonDomainError(verdict.code, verdict.reason);
  const { dreamId, reason } = command.data;
  return [{ type: 'LessonReopened', data: { ...(dreamId !== undefined && { dreamId }), reason } }, checked(state.textVersion, state.textHash, command.data.policyCheck)];
}

function retire(command: RetireLesson, state: Existing): LessonEventRecord[] {
  const reason = requireReason(command.data.reason, 'retire');
  if (state.status === 'retired') throw new LessonDomainError('already-retired', 'lesson is already retired');
  if (!state.live) throw new LessonDomainError('not-approved', `only a served lesson (canary or active) can be retired (status ${state.status})`);
  return [{ type: 'LessonRetired', data: { by: command.metadata.actor.id, reason } }];
}

function promote(command: PromoteLesson, state: Existing): LessonEventRecord[] {
  const reason = requireReason(command.data.reason, 'promote');
  if (state.live?.stage !== 'canary') throw new LessonDomainError('not-canary', `only a lesson in canary can be promoted (status ${state.status})`);
  const byReviewer = REVIEWER_KINDS.includes(command.metadata.actor.kind);
  if (!byReviewer && state.live.promoteAt && Date.parse(command.metadata.now) < Date.parse(state.live.promoteAt)) {
    throw new LessonDomainError('canary-not-over', `the canary runs until ${state.live.promoteAt}; only an approver promotes it earlier`);
  }
  return [{ type: 'LessonPromoted', data: { version: state.live.version, reason } }];
}

function rollBack(command: RollBackLesson, state: Existing): LessonEventRecord[] {
  const reason = requireReason(command.data.reason, 'roll back');
  if (state.status !== 'canary' && state.status !== 'active') {
    throw new LessonDomainError('not-approved', `only a served lesson (canary or active, no revision under review) can be rolled back (status ${state.status})`);
  }
  const live = state.live as NonNullable<typeof state.live>;
  const { withdraw } = command.data;
  if (withdraw) return [{ type: 'LessonRolledBack', data: { fromVersion: live.version, reason, ...(withdraw === 'to-review' && { reviewAgain: true }) } }];
  return [{ type: 'LessonRolledBack', data: { fromVersion: live.version, ...(state.previousLive && { toVersion: state.previousLive.version }), reason } }];
}

function revokeEvidence(command: RevokeLessonEvidence, _state: Existing): LessonEventRecord[] {
  if (command.data.removedSessions === 0) return [];
  return [{ type: 'LessonEvidenceRevoked', data: command.data }];
}

function expire(command: ExpireLesson, state: Existing): LessonEventRecord[] {
  const live = state.live;
  if (!live?.reviewBy) throw new LessonDomainError('not-approved', `only a served lesson with a review-by date can expire (status ${state.status})`);
  if (Date.parse(command.metadata.now) < Date.parse(live.reviewBy)) {
    throw new LessonDomainError('not-due', `the lesson is to be reviewed by ${live.reviewBy}; it has not expired`);
  }
  return [{ type: 'LessonExpired', data: { version: live.version, reviewBy: live.reviewBy } }];
}

const checked = (textVersion: number, textHash: string, check: PolicyCheck): LessonEventRecord => ({
  type: 'LessonPolicyChecked',
  data: { textVersion, textHash, verdict: check.verdict, violations: check.violations },
});

function existing(state: LessonState, verb: string): Existing {
  if (state.status === 'initial') throw new LessonDomainError('not-found', `cannot ${verb} a lesson that was never proposed`);
  return state;
}

/** A lesson whose words an erasure shredded is closed for good: a dream may propose the pattern afresh. */
function intact(state: Existing, verb: string): Existing {
  if (state.wordsErased) {
    throw new LessonDomainError('words-erased', `cannot ${verb} this lesson: an erasure withdrew its words (they quoted erased data); a later dream may propose the pattern again in new words`);
  }
  return state;
}

function notInReview(state: Existing, verb: string): LessonDomainError {
  switch (state.status) {
    case 'canary':
    case 'active':
      return new LessonDomainError('already-approved', `lesson is already approved (version ${state.version}, ${state.status})`);
    case 'rejected':
      return new LessonDomainError('not-proposed', `cannot ${verb} a rejected lesson: reopen it first`);
    case 'retired':
      return new LessonDomainError('already-retired', `cannot ${verb} a retired lesson`);
    case 'blocked':
      return new LessonDomainError('blocked-by-policy', `cannot ${verb} a lesson the guardrails blocked (${state.violations.map((v) => v.rule).join(', ')}): edit it until it passes, or reject it`);
    default:
      return new LessonDomainError('not-in-review', `cannot ${verb} a lesson that is not in review (status ${state.status})`);
  }
}

function requireReviewer(command: LessonCommand, verb: string): string {
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

function exhaustive(x: never): never {
  throw new LessonDomainError('invalid-command', `unhandled case: ${JSON.stringify(x)}`);
}

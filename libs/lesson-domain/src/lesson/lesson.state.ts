import type { LessonEvent, LessonKind, PolicyViolation, Support } from '@reverie/contracts';
import { mergeSupport } from './lesson-evidence';
import { textHashOf } from './lesson-text';

/** The version agents are served, while there is one. */
export interface LiveVersion {
  version: number;
  textVersion: number;
  text: string;
  textHash: string;
  stage: 'canary' | 'active';
  share?: number;
  promoteAt?: string;
  reviewBy?: string;
}

/** What every existing lesson carries, whatever its status: only what decisions need. */
export interface LessonFacts {
  kind: LessonKind;
  fingerprint: string;
  /** Release number of the latest approval: 0 until the first, +1 on each. */
  version: number;
  /** The text under review or served: its version (1 as proposed, +1 per edit) and SHA-256. */
  text: string;
  textVersion: number;
  textHash: string;
  /** The highest text version written so far (a rollback returns to an older one; the next edit still gets a new number). */
  latestTextVersion: number;
  support: Support;
  /** Actor ids that proposed or reopened the lesson: none of them may approve it. */
  proposers: string[];
  /** Reviewers who edited the text: none of them may approve it. */
  editors: string[];
  /** Dreams whose evidence is already counted (the proposing dream included): adding it again is a no-op. */
  evidenceDreamIds: string[];
  /** Reviewers who approved the current text so far, while the policy wants more than one. */
  approvals: string[];
  /** The guardrails' last verdict, on the current text. */
  violations: PolicyViolation[];
  live?: LiveVersion;
  /** The version served before `live`: what a rollback returns to. */
  previousLive?: LiveVersion;
  /** An erasure shredded the lesson's words (they quoted erased content): closed for good. */
  wordsErased?: true;
}

export type LessonState =
  | { status: 'initial' }
  | ({ status: 'proposed' | 'blocked' | 'in-review' | 'canary' | 'active' | 'retired' | 'rolled-back' | 'expired' } & LessonFacts)
  | ({ status: 'rejected'; supportAtRejection: number } & LessonFacts);

export type LessonStatus = Exclude<LessonState, { status: 'initial' }>['status'];
export type LessonStatusOf<S extends LessonState['status']> = Extract<LessonState, { status: S }>;
type Existing = Exclude<LessonState, { status: 'initial' }>;

export const initialLessonState = (): LessonState => ({ status: 'initial' });

/**
 * Folds one stored event into the state. Events are facts: an event that could not have been
 * decided in the current state (a corrupt or foreign stream) leaves the state as it is.
 */
export function evolve(state: LessonState, event: LessonEvent): LessonState {
  if (event.type === 'LessonProposed') {
    if (state.status !== 'initial') return state;
    const d = event.data;
    return {
      status: 'proposed', kind: d.kind, fingerprint: d.fingerprint, version: 0, text: d.text, textVersion: 1, textHash: d.textHash ?? textHashOf(d.text), latestTextVersion: 1,
      support: d.support, proposers: [event.actor.id], editors: [], evidenceDreamIds: [d.dreamId], approvals: [], violations: [],
    };
  }
  if (state.status === 'initial') return state;
  const f = facts(state);
  switch (event.type) {
    case 'LessonEvidenceAdded':
      if (f.evidenceDreamIds.includes(event.data.dreamId)) return state;
      return { ...state, support: mergeSupport(f.support, event.data.support), evidenceDreamIds: [...f.evidenceDreamIds, event.data.dreamId] };
    case 'LessonPolicyChecked':
      if (event.data.textHash !== f.textHash || !['proposed', 'blocked', 'in-review'].includes(state.status)) return state;
      return { ...f, status: event.data.verdict === 'pass' ? 'in-review' : 'blocked', violations: event.data.violations };
    case 'LessonEdited': {
      const editors = f.editors.includes(event.actor.id) ? f.editors : [...f.editors, event.actor.id];
      // Until the guardrails ran over the new text it is not in review.
      return {
        ...f, status: 'proposed', text: event.data.text, textVersion: event.data.textVersion, textHash: event.data.textHash,
        latestTextVersion: Math.max(f.latestTextVersion, event.data.textVersion), editors, approvals: [], violations: [],
      };
    }
    case 'LessonApprovalRecorded':
      if (state.status !== 'in-review' || f.approvals.includes(event.data.reviewer)) return state;
      return { ...f, status: 'in-review', approvals: [...f.approvals, event.data.reviewer] };
    case 'LessonApproved': {
      const rollout = event.data.rollout ?? { stage: 'active' as const };
      const live: LiveVersion = {
        version: event.data.version, textVersion: f.textVersion, text: f.text, textHash: f.textHash, stage: rollout.stage,
        ...(rollout.stage === 'canary' && { share: rollout.share, promoteAt: rollout.promoteAt }),
        ...(event.data.reviewBy !== undefined && { reviewBy: event.data.reviewBy }),
      };
      return { ...f, status: live.stage, version: event.data.version, approvals: [], live, ...(f.live ? { previousLive: f.live } : {}) };
    }
    case 'LessonPromoted': {
      if (!f.live) return state;
      const live = withoutCanary(f.live);
      return state.status === 'canary' ? { ...f, status: 'active', live } : { ...state, live };
    }
    case 'LessonRolledBack': {
      const { live: _withdrawn, previousLive, ...rest } = f;
      if (event.data.reviewAgain) return { ...rest, status: 'in-review', approvals: [] };
      if (previousLive && previousLive.version === event.data.toVersion) return { ...rest, status: 'active', live: withoutCanary(previousLive), ...backTo(previousLive) };
      return { ...rest, status: 'rolled-back' };
    }
    case 'LessonEvidenceRevoked':
      // Approvals given on the evidence as it was do not carry over.
      return { ...state, support: event.data.support, approvals: [], ...(event.data.wordsErased && { wordsErased: true as const }) };
    case 'LessonExpired': {
      const { live: _expired, previousLive: _p, ...rest } = f;
      return { ...rest, status: 'expired' };
    }
    case 'LessonRejected': {
      // A rejected revision of a served lesson leaves the served version as it was.
      if (f.live && state.status === 'in-review') return { ...f, status: f.live.stage, ...backTo(f.live), approvals: [], violations: [] };
      return { ...f, status: 'rejected', supportAtRejection: event.data.supportAtRejection, approvals: [] };
    }
    case 'LessonReopened': {
      const proposers = f.proposers.includes(event.actor.id) ? f.proposers : [...f.proposers, event.actor.id];
      return { ...f, status: 'proposed', proposers, approvals: [], violations: [] };
    }
    case 'LessonRetired': {
      const { live: _l, previousLive: _p, ...rest } = f;
      return { ...rest, status: 'retired' };
    }
    default:
      return exhaustive(event);
  }
}

export function evolveAll(events: Iterable<LessonEvent>, state: LessonState = initialLessonState()): LessonState {
  let s = state;
  for (const e of events) s = evolve(s, e);
  return s;
}

function facts(state: Existing): LessonFacts {
  const { status: _s, ...rest } = state as Existing & { supportAtRejection?: number };
  delete rest.supportAtRejection;
  return rest;
}

const withoutCanary = (live: LiveVersion): LiveVersion => {
  const { share: _s, promoteAt: _p, ...rest } = live;
  return { ...rest, stage: 'active' };
};

/** The text facts of a served version, for a lesson that falls back to it. */
const backTo = (live: LiveVersion): Pick<LessonFacts, 'text' | 'textVersion' | 'textHash'> => ({ text: live.text, textVersion: live.textVersion, textHash: live.textHash });

function exhaustive(x: never): never {
  throw new Error(`unknown lesson event type: ${(x as { type?: unknown }).type}`);
}

import type { LessonEvent, Support } from '@reverie/contracts';
import { mergeSupport } from './lesson-evidence';

/** What every existing lesson carries, whatever its status: only what decisions need. */
export interface LessonFacts {
  fingerprint: string;
  /** Approved text version; 0 until the first approval, +1 on each approval. */
  version: number;
  support: Support;
  /** Actor ids that proposed or reopened the lesson: none of them may approve it. */
  proposers: string[];
  /** Dreams whose evidence is already counted (the proposing dream included): adding it again is a no-op. */
  evidenceDreamIds: string[];
  /** Reviewers who approved the current proposal so far, while the policy wants more than one (LessonApprovalRecorded). */
  approvals: string[];
}

export type LessonState =
  | { status: 'initial' }
  | ({ status: 'proposed' } & LessonFacts)
  | ({ status: 'approved'; approvedBy: string } & LessonFacts)
  | ({ status: 'rejected'; rejectedBy: string; supportAtRejection: number } & LessonFacts)
  | ({ status: 'retired'; retiredBy: string } & LessonFacts);

export type LessonStatusOf<S extends LessonState['status']> = Extract<LessonState, { status: S }>;

export const initialLessonState = (): LessonState => ({ status: 'initial' });

/**
 * Folds one stored event into the state. Events are facts: an event that could not have been
 * decided in the current state (a corrupt or foreign stream) leaves the state as it is.
 */
export function evolve(state: LessonState, event: LessonEvent): LessonState {
  switch (event.type) {
    case 'LessonProposed': {
      if (state.status !== 'initial') return state;
      const d = event.data;
      return {
        status: 'proposed',
        fingerprint: d.fingerprint,
        version: 0,
        support: d.support,
        proposers: [event.actor.id],
        evidenceDreamIds: [d.dreamId],
        approvals: [],
      };
    }
    case 'LessonEvidenceAdded': {
      if (state.status === 'initial' || state.evidenceDreamIds.includes(event.data.dreamId)) return state;
      return {
        ...state,
        support: mergeSupport(state.support, event.data.support),
        evidenceDreamIds: [...state.evidenceDreamIds, event.data.dreamId],
      };
    }
    case 'LessonApprovalRecorded': {
      if (state.status !== 'proposed' || state.approvals.includes(event.data.reviewer)) return state;
      return { ...state, approvals: [...state.approvals, event.data.reviewer] };
    }
    case 'LessonApproved': {
      if (state.status === 'initial') return state;
      return { ...facts(state), status: 'approved', approvedBy: event.data.reviewer, version: event.data.version, approvals: [] };
    }
    case 'LessonRejected': {
      if (state.status === 'initial') return state;
      return {
        ...facts(state),
        status: 'rejected',
        rejectedBy: event.data.reviewer,
        supportAtRejection: event.data.supportAtRejection,
        approvals: [],
      };
    }
    case 'LessonReopened': {
      if (state.status === 'initial') return state;
      const f = facts(state);
      const proposers = f.proposers.includes(event.actor.id) ? f.proposers : [...f.proposers, event.actor.id];
      return { ...f, status: 'proposed', proposers, approvals: [] };
    }
    case 'LessonRetired': {
      if (state.status === 'initial') return state;
      return { ...facts(state), status: 'retired', retiredBy: event.data.by };
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

function facts(state: Exclude<LessonState, { status: 'initial' }>): LessonFacts {
  const { fingerprint, version, support, proposers, evidenceDreamIds, approvals } = state;
  return { fingerprint, version, support, proposers, evidenceDreamIds, approvals };
}

function exhaustive(x: never): never {
  throw new Error(`unknown lesson event type: ${(x as { type?: unknown }).type}`);
}

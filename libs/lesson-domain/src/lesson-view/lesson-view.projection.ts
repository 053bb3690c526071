import { TRUSTED_EVIDENCE, type LessonEvent, type LessonView, type ServedLesson } from '@reverie/contracts';
import { LessonDomainError } from '../lesson/lesson-domain.error';
import { mergeEvidence } from '../lesson/lesson-evidence';
import { evolve, initialLessonState, type LessonState } from '../lesson/lesson.state';
import { reviewByMs, servingArm } from './rollout-arm';

/**
 * A LessonView plus what folding needs: the ids of the events already folded into it (evidence
 * merges add up, so they are not idempotent by themselves: the id list makes redelivery harmless)
 * and the decider's state of the lesson, so the lifecycle the view shows is the decider's own
 * (`evolve`), never a second reading of the events. Both are stored with the view; neither is public.
 */
export interface ProjectedLessonView extends LessonView {
  appliedEventIds: string[];
  lifecycle: LessonState;
}

/**
 * Folds one LESSONS event into the review/serving read model. Pure and idempotent: an event whose
 * id the view already holds returns the view unchanged, so a projection may see each event twice.
 */
export function evolveLessonView(view: LessonView | undefined, event: LessonEvent): ProjectedLessonView {
  const applied = view ? appliedIds(view) : [];
  const before = view ? lifecycleOf(view) : initialLessonState();
  if (view && applied.includes(event.id)) return { ...view, appliedEventIds: applied, lifecycle: before };
  const appliedEventIds = [...applied, event.id];
  const lifecycle = evolve(before, event);

  if (event.type === 'LessonProposed') {
    // A second proposal for an existing view (a twin the decider would refuse) changes nothing.
    if (view) return { ...view, appliedEventIds, lifecycle: before };
    const { dreamId, ...claim } = event.data;
    return withLifecycle({ ...claim, ...taintOf(claim.evidence.refs), id: event.streamId, tenantId: event.tenantId, status: 'proposed', version: 0, textVersion: 1, textHash: '', dreamId, proposedAt: event.occurredAt, appliedEventIds, lifecycle }, lifecycle);
  }
  if (!view) {
    throw new LessonDomainError('view-missing', `${event.type} ${event.id} for lesson ${event.streamId} arrived before its LessonProposed`);
  }
  const base = withLifecycle({ ...view, appliedEventIds, lifecycle }, lifecycle);
  switch (event.type) {
    case 'LessonEvidenceAdded': {
      const evidence = mergeEvidence(view.evidence, event.data.evidence);
      const { tainted: _t, ...rest } = base;
      return { ...rest, evidence, ...taintOf(evidence.refs), confidence: Math.max(view.confidence, event.data.confidence) };
    }
    case 'LessonPolicyChecked':
      return { ...base, policy: { verdict: event.data.verdict, violations: event.data.violations, checkedAt: event.occurredAt } };
    case 'LessonEdited': {
      const { policy: _stale, approvals: _void, ...rest } = base;
      return { ...rest, ...(event.data.rationale !== undefined && { rationale: event.data.rationale }) };
    }
    case 'LessonApprovalRecorded': {
      const approval = { reviewer: event.data.reviewer, at: event.occurredAt, ...(event.data.note !== undefined && { note: event.data.note }) };
      return { ...base, approvals: [...(view.approvals ?? []), approval] };
    }
    case 'LessonApproved': {
      const { approvals: _a, approvers: _b, ...rest } = base;
      return decided({ ...rest, ...(event.data.approvers && { approvers: event.data.approvers }) }, event, event.data.reviewer, event.data.note);
    }
    case 'LessonRejected': {
      const { approvals: _a, ...rest } = base;
      return decided(rest, event, event.data.reviewer, event.data.reason);
    }
    case 'LessonRetired':
      return decided(base, event, event.data.by, event.data.reason);
    case 'LessonPromoted':
    case 'LessonRolledBack':
      return decided(base, event, event.actor.id, event.data.reason);
    case 'LessonEvidenceRevoked': {
      // The refs of revoked sessions or credentials are no longer shown as evidence.
      const gone = event.data.sources;
      const refs = view.evidence.refs.filter((r) => !gone.some((s) => (s.kind === 'session' && s.id === r.sessionId) || (s.kind === 'credential' && (r.ingestedBy ?? []).includes(s.id))));
      const { approvals: _void, tainted: _t, ...rest } = base;
      return { ...rest, evidence: { ...view.evidence, refs }, ...taintOf(refs), ...(event.data.wordsErased && { wordsErased: true as const }) };
    }
    case 'LessonExpired':
      return decided(base, event, event.actor.id, `review-by date ${event.data.reviewBy} passed`);
    case 'LessonReopened': {
      const { decidedAt: _a, decidedBy: _b, decisionNote: _c, approvals: _d, policy: _e, ...rest } = base;
      return rest;
    }
    default:
      return exhaustive(event);
  }
}

/**
 * What agent-serving hands an agent for one lesson: its live version, unless the review-by date
 * passed, and a canary only to the sessions its share draws (stable: the same session, or agent
 * when no session is named, always gets the same answer).
 */
export function servedLesson(view: Pick<LessonView, 'id' | 'kind' | 'scope' | 'live'>, request: { subject: string; now: string }): ServedLesson | undefined {
  const live = view.live;
  if (!live) return undefined;
  if (servingArm(view.id, { ...live, reviewByMs: reviewByMs(live) }, request.subject, Date.parse(request.now)) !== 'served') return undefined;
  return { id: view.id, kind: view.kind, text: live.text, version: live.version, scope: view.scope, stage: live.stage };
}

/** The decider's state shown as the view's lifecycle fields. */
function withLifecycle(view: ProjectedLessonView, state: LessonState): ProjectedLessonView {
  if (state.status === 'initial') return view;
  const { live: _old, editors: _e, ...rest } = view;
  return {
    ...rest,
    status: state.status,
    version: state.version,
    text: state.text,
    textVersion: state.textVersion,
    textHash: state.textHash,
    support: state.support,
    ...(state.editors.length ? { editors: state.editors } : {}),
    ...(state.live ? { live: { ...state.live, since: state.live.version === view.live?.version ? view.live.since : '' } } : {}),
  };
}

/** The untrusted kinds among the evidence's sources (the references that name one). */
function taintOf(refs: LessonView['evidence']['refs']): Pick<LessonView, 'tainted'> {
  const kinds = [...new Set(refs.flatMap((r) => (r.source && !TRUSTED_EVIDENCE.has(r.source) ? [r.source] : [])))].sort();
  return kinds.length ? { tainted: kinds } : {};
}

function decided(view: ProjectedLessonView, event: LessonEvent, by: string, note: string | undefined): ProjectedLessonView {
  const { decisionNote: _old, ...rest } = view;
  const live = rest.live && !rest.live.since ? { ...rest.live, since: event.occurredAt } : rest.live;
  return { ...rest, ...(live && { live }), decidedAt: event.occurredAt, decidedBy: by, ...(note !== undefined && { decisionNote: note }) };
}

function appliedIds(view: LessonView): string[] {
  const ids = (view as Partial<ProjectedLessonView>).appliedEventIds;
  return Array.isArray(ids) ? ids : [];
}

function lifecycleOf(view: LessonView): LessonState {
  const state = (view as Partial<ProjectedLessonView>).lifecycle;
  if (!state) throw new LessonDomainError('view-missing', `the stored view of lesson ${view.id} has no lifecycle state: rebuild the read model from LESSONS`);
  return state;
}

function exhaustive(x: never): never {
  throw new LessonDomainError('invalid-event', `unknown lesson event: ${JSON.stringify(x)}`);
}

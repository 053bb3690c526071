import type { LessonEvent, LessonView, ServedLesson } from '@reverie/contracts';
import { LessonDomainError } from '../lesson/lesson-domain.error';
import { mergeEvidence, mergeSupport } from '../lesson/lesson-evidence';

/**
 * A LessonView plus the ids of the events already folded into it. Evidence merges add support up,
 * so they are not idempotent by themselves: the id list is what makes redelivery harmless. It is
 * short (one id per event of the lesson) and should be stored with the view.
 */
export interface ProjectedLessonView extends LessonView {
  appliedEventIds: string[];
}

/**
 * Folds one LESSONS event into the review/serving read model. Pure and idempotent: an event whose
 * id the view already holds returns the view unchanged, so a projection may see each event twice.
 */
export function evolveLessonView(view: LessonView | undefined, event: LessonEvent): ProjectedLessonView {
  const applied = view ? appliedIds(view) : [];
  if (view && applied.includes(event.id)) return { ...view, appliedEventIds: applied };
  const appliedEventIds = [...applied, event.id];

  if (event.type === 'LessonProposed') {
    // A second proposal for an existing view (a twin the decider would refuse) changes nothing.
    if (view) return { ...view, appliedEventIds };
    const { dreamId, ...claim } = event.data;
    return {
      ...claim,
      id: event.streamId,
      tenantId: event.tenantId,
      status: 'proposed',
      version: 0,
      dreamId,
      proposedAt: event.occurredAt,
      appliedEventIds,
    };
  }
  if (!view) {
    throw new LessonDomainError(
      'view-missing',
      `${event.type} ${event.id} for lesson ${event.streamId} arrived before its LessonProposed`,
    );
  }
  const base = { ...view, appliedEventIds };
  switch (event.type) {
    case 'LessonEvidenceAdded':
      return {
        ...base,
        support: mergeSupport(view.support, event.data.support),
        evidence: mergeEvidence(view.evidence, event.data.evidence),
        confidence: Math.max(view.confidence, event.data.confidence),
      };
    case 'LessonApprovalRecorded': {
      const approval = { reviewer: event.data.reviewer, at: event.occurredAt, ...(event.data.note !== undefined && { note: event.data.note }) };
      return { ...base, approvals: [...(view.approvals ?? []), approval] };
    }
    case 'LessonApproved': {
      const { approvals: _a, approvers: _b, ...rest } = base;
      return decided({ ...rest, ...(event.data.approvers && { approvers: event.data.approvers }) }, 'approved', event, event.data.reviewer, event.data.note, event.data.version);
    }
    case 'LessonRejected': {
      const { approvals: _a, ...rest } = base;
      return decided(rest, 'rejected', event, event.data.reviewer, event.data.reason);
    }
    case 'LessonRetired':
      return decided(base, 'retired', event, event.data.by, event.data.reason);
    case 'LessonReopened': {
      const { decidedAt: _a, decidedBy: _b, decisionNote: _c, approvals: _d, ...rest } = base;
      return { ...rest, status: 'proposed' };
    }
    default:
      return exhaustive(event);
  }
}

/** What agent-serving hands to agents: approved lessons only. */
export function servedLesson(view: LessonView): ServedLesson | undefined {
  if (view.status !== 'approved') return undefined;
  return { id: view.id, kind: view.kind, text: view.text, version: view.version, scope: view.scope };
}

function decided(
  view: ProjectedLessonView,
  status: LessonView['status'],
  event: LessonEvent,
  by: string,
  note: string | undefined,
  version = view.version,
): ProjectedLessonView {
  const { decisionNote: _old, ...rest } = view;
  return {
    ...rest,
    status,
    version,
    decidedAt: event.occurredAt,
    decidedBy: by,
    ...(note !== undefined && { decisionNote: note }),
  };
}

function appliedIds(view: LessonView): string[] {
  const ids = (view as Partial<ProjectedLessonView>).appliedEventIds;
  return Array.isArray(ids) ? ids : [];
}

function exhaustive(x: never): never {
  throw new LessonDomainError('invalid-event', `unknown lesson event: ${JSON.stringify(x)}`);
}

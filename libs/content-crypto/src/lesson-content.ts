import type { LessonEvent } from '@reverie/contracts';
import { isSealed } from './sealed-string';
import { ERASED } from './session-content';

/**
 * The content of a lesson event that can carry people's words: the text and rationale (a quoted
 * error line, a user's statement, an example task), the task cluster, evidence excerpts, and an
 * edit's text and diff. Decisions, reasons, notes, ids, counts and hashes stay in the clear.
 */
function mapLessonContent(event: LessonEvent, f: (v: string) => string): LessonEvent {
  const refs = <R extends { excerpt?: string }>(list: R[]) => list.map((r) => (r.excerpt === undefined ? r : { ...r, excerpt: f(r.excerpt) }));
  switch (event.type) {
    case 'LessonProposed': {
      const d = event.data;
      return {
        ...event,
        data: {
          ...d, text: f(d.text), ...(d.rationale !== undefined && { rationale: f(d.rationale) }),
          scope: { ...d.scope, ...(d.scope.taskCluster !== undefined && { taskCluster: f(d.scope.taskCluster) }) },
          evidence: { ...d.evidence, refs: refs(d.evidence.refs) },
        },
      };
    }
    case 'LessonEvidenceAdded':
      return { ...event, data: { ...event.data, evidence: { ...event.data.evidence, refs: refs(event.data.evidence.refs) } } };
    case 'LessonEdited': {
      const d = event.data;
      return { ...event, data: { ...d, text: f(d.text), diff: f(d.diff), ...(d.rationale !== undefined && { rationale: f(d.rationale) }) } };
    }
    default:
      return event;
  }
}

export function sealLessonEvent(event: LessonEvent, seal: (plain: string) => string): LessonEvent {
  return mapLessonContent(event, (v) => (isSealed(v) ? v : seal(v)));
}

/** Opens a lesson event; content under a shredded key reads ERASED; content never sealed passes through. */
export function openLessonEvent(event: LessonEvent, open: (sealed: string) => string | undefined): LessonEvent {
  return mapLessonContent(event, (v) => (isSealed(v) ? open(v) ?? ERASED : v));
}

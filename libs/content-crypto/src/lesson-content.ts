import type { LessonEvent } from '@reverie/contracts';
import { isSealed } from './sealed-string';
import { ERASED } from './session-content';

/**
 * The content of a lesson event that can carry people's words: the text and rationale (a quoted
 * error line, a user's statement, an example task), the task cluster, evidence excerpts, and an
 * edit's text and diff. Decisions, reasons, notes, ids, counts and hashes stay in the clear.
 * `f` learns which session an excerpt was cut from (none for the lesson's own words).
 */
function mapLessonContent(event: LessonEvent, f: (v: string, sessionId?: string) => string): LessonEvent {
  const refs = <R extends { excerpt?: string; sessionId: string }>(list: R[]) => list.map((r) => (r.excerpt === undefined ? r : { ...r, excerpt: f(r.excerpt, r.sessionId) }));
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

/** Seals a lesson event; `seal` gets the session an excerpt was cut from, so it can use that session's key. */
export function sealLessonEvent(event: LessonEvent, seal: (plain: string, sessionId?: string) => string): LessonEvent {
  return mapLessonContent(event, (v, sessionId) => (isSealed(v) ? v : seal(v, sessionId)));
}

/** The sessions a lesson event's excerpts were cut from. */
export function excerptSessionsOf(event: LessonEvent): string[] {
  const out = new Set<string>();
  mapLessonContent(event, (v, sessionId) => { if (sessionId) out.add(sessionId); return v; });
  return [...out];
}

/** Opens a lesson event; content under a shredded key reads ERASED; content never sealed passes through. */
export function openLessonEvent(event: LessonEvent, open: (sealed: string) => string | undefined): LessonEvent {
  return mapLessonContent(event, (v) => (isSealed(v) ? open(v) ?? ERASED : v));
}

import type { EvidenceSourceKind } from '@reverie/contracts';
import type { SessionSignals } from '../signals/session-signals.model';

/** Tools whose results are pages from the web, and tools whose results are file contents. */
const WEB_TOOL = /^(webfetch|websearch|web_fetch|web_search|fetch|browse|browser|http_get|curl_tool|read_url|search_web)$/i;
const FILE_TOOL = /^(read|read_file|view|cat|open_file|notebookread|str_replace_based_edit_tool)$/i;

/**
 * What kind of event an evidence reference points at, from the session's signals: what the user
 * wrote or rated, what the agent did, or what a tool returned (from the web, from a file, or
 * otherwise). Unknown ids are the agent's (the conservative answer: not trusted).
 */
export function evidenceSourceOf(session: SessionSignals, eventId: string): EvidenceSourceKind {
  if (session.corrections.some((c) => c.eventId === eventId)) return 'user-message';
  if (session.feedback.some((f) => f.eventId === eventId)) return 'user-feedback';
  if (session.rejections.some((r) => r.eventId === eventId)) return 'user-feedback';
  if (eventId === session.taskEventId) return 'user-message';
  const error = session.errors.find((e) => e.eventId === eventId);
  if (error) return toolOutputOf(error.tool);
  const retry = session.retries.find((r) => r.errorEventId === eventId);
  if (retry) return toolOutputOf(retry.tool);
  const consequence = session.consequences?.find((c) => c.eventId === eventId);
  if (consequence) return toolOutputOf(consequence.tool);
  return 'agent-message';
}

const toolOutputOf = (tool: string): EvidenceSourceKind => (WEB_TOOL.test(tool) ? 'web-content' : FILE_TOOL.test(tool) ? 'file-content' : 'tool-output');

import type { SessionSignals } from '../signals/session-signals.model';

/**
 * Tool call ids minted by the model provider (`toolu_01…`, `call_…`) are unique across all
 * conversations: two sessions that share one are the same conversation (a resumed or continued
 * Claude Code session that starts by repeating an earlier session's lines). Short ids such as
 * `t1` or `call-3` are per-session counters and link nothing.
 */
const GLOBAL_CALL_ID = /^(?:toolu_|call_|tooluse_|fc_)[A-Za-z0-9_-]{16,}$/;

/**
 * Every session with `rootId` set to its independent root conversation: a subagent sidechain to
 * its parent's root, sessions sharing a provider tool call id to one root (the smallest session
 * id of the group). Corroboration then counts roots, so a repeated prefix or a sidechain never
 * counts as a second sighting.
 */
export function withConversationRoots(sessions: readonly SessionSignals[]): SessionSignals[] {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.has(r) && parent.get(r) !== r) r = parent.get(r) as string;
    parent.set(x, r);
    return r;
  };
  const union = (a: string, b: string) => {
    const ra = find(a);
    const rb = find(b);
    if (ra === rb) return;
    if (ra < rb) parent.set(rb, ra); else parent.set(ra, rb);
  };
  const ids = new Set(sessions.map((s) => s.sessionId));
  const byCallId = new Map<string, string>();
  for (const s of sessions) {
    parent.set(s.sessionId, parent.get(s.sessionId) ?? s.sessionId);
    if (s.rootId && ids.has(s.rootId)) union(s.rootId, s.sessionId);
    for (const id of s.toolCallIds ?? []) {
      if (!GLOBAL_CALL_ID.test(id)) continue;
      const seen = byCallId.get(id);
      if (seen) union(seen, s.sessionId); else byCallId.set(id, s.sessionId);
    }
  }
  return sessions.map((s) => {
    const root = find(s.sessionId);
    const rootId = root !== s.sessionId ? root : s.rootId && !ids.has(s.rootId) ? s.rootId : undefined;
    return rootId === s.rootId ? s : { ...s, ...(rootId ? { rootId } : {}) };
  });
}

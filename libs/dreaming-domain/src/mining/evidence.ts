import { deterministicId, MAX_SUPPORT_SESSIONS, MAX_SUPPORT_SOURCES, type EvidenceRef, type SupportSession, type LessonKind, type LessonScope, type Support } from '@reverie/contracts';
import type { SessionSignals } from '../signals/session-signals.model';
import { evidenceSourceOf } from './evidence-source';

/** One sighting of a pattern: which session, which event, who, when. */
export interface Occurrence {
  session: SessionSignals;
  eventId: string;
  at: string;
  userId?: string;
  excerpt?: string;
}

export const MAX_REFS = 5;

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Distinct known users, plus ONE for all anonymous sightings together (never one per session). */
export function distinctUsers(occurrences: readonly Occurrence[]): number {
  const users = new Set<string>();
  let anonymous = false;
  for (const o of occurrences) {
    const u = o.userId ?? o.session.userId;
    if (u) users.add(u); else anonymous = true;
  }
  return users.size + (anonymous ? 1 : 0);
}

/** The independent conversation a session belongs to (a sidechain counts with its parent). */
export function rootOf(s: SessionSignals): string {
  return s.rootId ?? s.sessionId;
}

/** `sessions` counts independent root conversations: a subagent sidechain does not corroborate its parent. */
export function supportOf(occurrences: readonly Occurrence[]): Support {
  if (occurrences.length === 0) throw new Error('supportOf: a pattern needs at least one occurrence');
  let first = occurrences[0].at;
  let last = occurrences[0].at;
  const sessions = new Set<string>();
  const sources = new Set<string>();
  const credentials = new Set<string>();
  const provenance = new Map<string, SupportSession>();
  for (const o of occurrences) {
    sessions.add(rootOf(o.session));
    for (const id of o.session.ingestedBy ?? []) sources.add(id);
    if (o.session.ingestedBy?.[0]) credentials.add(o.session.ingestedBy[0]);
    addProvenance(provenance, o);
    if (o.at < first) first = o.at;
    if (o.at > last) last = o.at;
  }
  return {
    sessions: sessions.size, distinctUsers: distinctUsers(occurrences), occurrences: occurrences.length, firstSeen: first, lastSeen: last,
    ...(sources.size ? { sources: [...sources].sort().slice(0, MAX_SUPPORT_SOURCES) } : {}),
    ...(credentials.size ? { credentials: [...credentials].sort().slice(0, MAX_SUPPORT_SOURCES) } : {}),
    provenance: [...provenance.values()].sort((a, b) => byText(a.sessionId, b.sessionId)).slice(0, MAX_SUPPORT_SESSIONS),
  };
}

/** Each supporting session once, with the users its sightings name and who ingested it: what a revocation recounts. */
function addProvenance(into: Map<string, SupportSession>, o: Occurrence): void {
  const s = o.session;
  const entry = into.get(s.sessionId) ?? {
    sessionId: s.sessionId, ...(s.rootId && s.rootId !== s.sessionId ? { rootId: s.rootId } : {}), ...(s.ingestedBy?.length ? { ingestedBy: s.ingestedBy.slice(0, 4) } : {}),
  };
  const user = o.userId ?? s.userId;
  if (user && !(entry.userIds ?? []).includes(user) && (entry.userIds?.length ?? 0) < 20) entry.userIds = [...(entry.userIds ?? []), user];
  into.set(s.sessionId, entry);
}

/**
 * A few representative references: the first sighting in each session, sessions taken in time
 * order and spread evenly over the pattern's history (first and last always included).
 */
export function refsOf(occurrences: readonly Occurrence[], max = MAX_REFS): EvidenceRef[] {
  const firstPerSession = new Map<string, Occurrence>();
  const ordered = [...occurrences].sort((a, b) => byText(a.at, b.at) || byText(a.session.sessionId, b.session.sessionId) || byText(a.eventId, b.eventId));
  for (const o of ordered) if (!firstPerSession.has(o.session.sessionId)) firstPerSession.set(o.session.sessionId, o);
  const list = [...firstPerSession.values()];
  const picked = list.length <= max ? list : Array.from({ length: max }, (_, i) => list[Math.round((i * (list.length - 1)) / (max - 1))]);
  return picked.map((o) => ({
    tenantId: o.session.tenantId,
    sessionId: o.session.sessionId,
    eventId: o.eventId,
    ...(o.excerpt ? { excerpt: o.excerpt.slice(0, 300) } : {}),
    source: evidenceSourceOf(o.session, o.eventId),
    ...(o.session.ingestedBy?.length ? { ingestedBy: o.session.ingestedBy.slice(0, 4) } : {}),
  }));
}

export function scopeOf(tenantId: string, sessions: Iterable<SessionSignals>, extra: { tools?: string[]; taskCluster?: string } = {}): LessonScope {
  const agents = new Set<string>();
  for (const s of sessions) agents.add(s.agentId);
  return {
    tenantId,
    ...(agents.size === 1 ? { agentId: [...agents][0] } : {}),
    ...(extra.tools && extra.tools.length ? { tools: [...new Set(extra.tools)].sort().slice(0, 50) } : {}),
    ...(extra.taskCluster ? { taskCluster: extra.taskCluster.slice(0, 500) } : {}),
  };
}

/** Hash of kind + tenant + normalized pattern: never of the text or the evidence, so it survives rewording and growth. */
export function fingerprintOf(kind: LessonKind, tenantId: string, pattern: string): string {
  return `${kind}:${deterministicId('reverie-lesson-pattern', kind, tenantId, pattern)}`;
}

/**
 * The outcome the miners use: the recorded one, else the user's explicit verdict (more thumbs
 * down than up → failure, the reverse → success), else unknown.
 */
export function effectiveOutcome(s: SessionSignals): 'success' | 'failure' | 'unknown' {
  if (s.outcome === 'failure' || s.outcome === 'abandoned') return 'failure';
  if (s.outcome === 'success') return 'success';
  let score = 0;
  for (const f of s.feedback) score += f.kind === 'thumbs_up' ? 1 : f.kind === 'thumbs_down' ? -1 : 0;
  return score < 0 ? 'failure' : score > 0 ? 'success' : 'unknown';
}
export function isFailed(s: SessionSignals): boolean {
  return effectiveOutcome(s) === 'failure';
}
export function hasKnownOutcome(s: SessionSignals): boolean {
  return effectiveOutcome(s) !== 'unknown';
}

/**
 * The outcome workflow mining uses. A recorded outcome or explicit feedback is authoritative.
 * Without one (Claude Code transcripts have no reward), a clean completion counts as success
 * (every failed call later run again or replaced successfully, no correction, rejection or
 * interruption after the agent's last action), and a session that did not end cleanly (an error
 * left unresolved, or the user objecting last) as failure. Signals stored before analyzer 1.1 have
 * no `cleanCompletion`: they stay unknown.
 */
export function workflowOutcome(s: SessionSignals): { outcome: 'success' | 'failure' | 'unknown'; inferred: boolean } {
  const known = effectiveOutcome(s);
  if (known !== 'unknown') return { outcome: known, inferred: false };
  if (s.cleanCompletion === undefined) return { outcome: 'unknown', inferred: false };
  return { outcome: s.cleanCompletion ? 'success' : 'failure', inferred: true };
}

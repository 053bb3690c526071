import { MAX_SUPPORT_SESSIONS, MAX_SUPPORT_SOURCES, type Evidence, type Support, type SupportSession } from '@reverie/contracts';

/** What a lesson's view keeps of its evidence, across every dream that added some (each event carries at most 50). */
export const MAX_EVIDENCE_REFS = 500;

/**
 * Dreams are incremental (each reads only the sessions since the previous one), so the support a
 * LessonEvidenceAdded carries is new support: sessions and occurrences add up. Distinct users
 * cannot be added without the user ids (the same user may appear in both), so the larger count is
 * kept: a lower bound, which errs on the safe side for corroboration rules.
 */
export function mergeSupport(current: Support, added: Support): Support {
  return {
    sessions: current.sessions + added.sessions,
    occurrences: current.occurrences + added.occurrences,
    distinctUsers: Math.max(current.distinctUsers, added.distinctUsers),
    firstSeen: earliest(current.firstSeen, added.firstSeen),
    lastSeen: latest(current.lastSeen, added.lastSeen),
    ...union('sources', current.sources, added.sources),
    ...union('credentials', current.credentials, added.credentials),
    ...mergeProvenance(current.provenance, added.provenance),
  };
}

/** Who ingested the supporting sessions (or which credentials), both sides together. */
function union<K extends 'sources' | 'credentials'>(key: K, a: string[] | undefined, b: string[] | undefined): Partial<Pick<Support, K>> {
  const all = new Set([...(a ?? []), ...(b ?? [])]);
  return all.size ? ({ [key]: [...all].sort().slice(0, MAX_SUPPORT_SOURCES) } as Partial<Pick<Support, K>>) : {};
}

/** The supporting sessions of both sides, each once, with the users of both. */
function mergeProvenance(a: SupportSession[] | undefined, b: SupportSession[] | undefined): Pick<Support, 'provenance'> {
  if (!a && !b) return {};
  const bySession = new Map<string, SupportSession>();
  for (const s of [...(a ?? []), ...(b ?? [])]) {
    const prev = bySession.get(s.sessionId);
    if (!prev) { bySession.set(s.sessionId, s); continue; }
    const userIds = [...new Set([...(prev.userIds ?? []), ...(s.userIds ?? [])])].slice(0, 20);
    bySession.set(s.sessionId, { ...prev, ...(userIds.length ? { userIds } : {}) });
  }
  return { provenance: [...bySession.values()].sort((x, y) => (x.sessionId < y.sessionId ? -1 : x.sessionId > y.sessionId ? 1 : 0)).slice(0, MAX_SUPPORT_SESSIONS) };
}

/** Keeps the existing references first, adds new ones (deduplicated by event id) up to the cap; sums counts. */
export function mergeEvidence(current: Evidence, added: Evidence): Evidence {
  const seen = new Set(current.refs.map((r) => `${r.tenantId}/${r.sessionId}/${r.eventId}`));
  const refs = [...current.refs];
  for (const ref of added.refs) {
    const key = `${ref.tenantId}/${ref.sessionId}/${ref.eventId}`;
    if (refs.length >= MAX_EVIDENCE_REFS) break;
    if (seen.has(key)) continue;
    seen.add(key);
    refs.push(ref);
  }
  const counts = { ...current.counts };
  for (const [name, n] of Object.entries(added.counts)) counts[name] = (counts[name] ?? 0) + n;
  return { refs, counts };
}

const earliest = (a: string, b: string) => (Date.parse(b) < Date.parse(a) ? b : a);
const latest = (a: string, b: string) => (Date.parse(b) > Date.parse(a) ? b : a);

import type { LessonCandidate } from '@reverie/contracts';
import type { GroundTruth, LabelledPattern } from './ground-truth';

export interface ProposalVerdict {
  kind: string;
  text: string;
  sessions: number;
  /** Labelled patterns it recovers. */
  recovers: string[];
  /** Why a reviewer would reject it; empty when it is a lesson worth approving. */
  junk: string[];
}

export interface SetScore {
  set: string;
  sessions: number;
  proposals: ProposalVerdict[];
  reachable: number;
  recovered: string[];
  missed: string[];
  recall: number;
  junkCount: number;
  junkShare: number;
}

/**
 * The text a pattern's regexes are matched against: the lesson text, the facts that name the
 * pattern, and the raw excerpts it cites (a quote in the text shortens paths; the excerpt does not).
 */
function searchable(c: LessonCandidate): string {
  const f = c.facts as Record<string, unknown>;
  const facts = ['signature', 'quote', 'step', 'steps', 'stepLabels', 'fix', 'statement', 'keyTokens', 'taskCluster', 'exampleTask', 'remedy', 'prefer', 'over', 'feature', 'tool', 'action']
    .map((k) => (f[k] === undefined ? '' : JSON.stringify(f[k]))).join(' ');
  const excerpts = c.evidence.refs.map((r) => r.excerpt ?? '').join('\n');
  return `${c.text}\n${facts}\n${excerpts}`;
}

/** Session ids of the evidence, as the importers named them; a labelled id matches its own id or a suffix (`task-3-trial-0`). */
function citesLabelledSession(c: LessonCandidate, p: LabelledPattern): boolean {
  if (!p.sessions?.length) return true;
  const cited = c.evidence.refs.map((r) => r.sessionId.toLowerCase());
  const labelled = p.sessions.map((s) => s.toLowerCase().replace(/[^a-z0-9_-]/g, '-'));
  return cited.some((id) => labelled.some((l) => id === l || id.endsWith(`-${l}`) || id.startsWith(`${l}-agent-`) || id.includes(l)));
}

export function recovers(c: LessonCandidate, p: LabelledPattern): boolean {
  if (c.kind !== p.kind) return false;
  const text = searchable(c);
  return p.match.some((m) => new RegExp(m, 'i').test(text)) && citesLabelledSession(c, p);
}

/**
 * What any reviewer rejects whatever the set: a lesson that says only "avoid this tool", one
 * whose "pattern" is one specific id (an order, a flight, a ticket), one without content (the
 * error text withheld and no fix).
 */
export function reviewerObjections(c: LessonCandidate): string[] {
  const out: string[] = [];
  const f = c.facts as Record<string, unknown>;
  if (/^Avoid `[^`]+`, or verify its result/.test(c.text)) out.push('says only "avoid this tool"');
  if (f.instructionLike && !f.fix) out.push('withholds the error and has no fix: nothing to act on');
  const specific = /\b(?:#\d{5,}|[A-Z]{2,}\d{3,}|\d{4}-\d{2}-\d{2}|(?:order|flight|reservation|ticket|user)[ _-]?(?:id)?[ :=#]*[A-Z0-9]{5,})\b/;
  const signature = String(f.signature ?? '');
  if (specific.test(signature) || (c.kind === 'workflow' && specific.test(String(f.taskCluster ?? '')))) out.push('names one specific id, date or flight as the pattern');
  return out;
}

export function scoreSet(gt: GroundTruth, sessions: number, candidates: readonly LessonCandidate[]): SetScore {
  const reachable = gt.patterns.filter((p) => p.reachable);
  const proposals: ProposalVerdict[] = candidates.map((c) => {
    const rec = gt.patterns.filter((p) => recovers(c, p)).map((p) => p.id);
    const junk = reviewerObjections(c);
    for (const j of gt.junk ?? []) if (j.match.some((m) => new RegExp(m, 'i').test(searchable(c)))) junk.push(`${j.id}: ${j.why}`);
    if (rec.length === 0 && junk.length === 0) junk.push('matches no labelled pattern');
    return { kind: c.kind, text: c.text, sessions: c.support.sessions, recovers: rec, junk };
  });
  const recovered = reachable.filter((p) => proposals.some((v) => v.recovers.includes(p.id) && v.junk.length === 0)).map((p) => p.id);
  const junkCount = proposals.filter((v) => v.junk.length > 0).length;
  return {
    set: gt.set, sessions, proposals, reachable: reachable.length, recovered,
    missed: reachable.filter((p) => !recovered.includes(p.id)).map((p) => p.id),
    recall: reachable.length ? recovered.length / reachable.length : 1,
    junkCount, junkShare: proposals.length ? junkCount / proposals.length : 0,
  };
}

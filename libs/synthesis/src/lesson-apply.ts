import { deterministicId, type LessonCandidate } from '@reverie/contracts';
import { checkLessonText } from './lesson-text.guard';
import { MAX_LESSON_TEXT_CHARS, MAX_RATIONALE_CHARS, trustedFacts } from './lesson-prompt';
import type { WrittenLesson } from './lesson-output.schema';

export interface ApplyOutcome {
  /** Candidates written from Claude's lessons (rewrites, merges and split parts), with the first candidate id each covers. */
  written: Array<{ firstId: string; candidate: LessonCandidate }>;
  /** Ids of the chunk's candidates that keep their template text, with the reason. */
  fallback: Map<string, string>;
}

/**
 * Turns validated tool output into candidates. A lesson that breaks a rule (unknown id, empty or too
 * long text, too long rationale, merge across kinds, post-check failure) taints every candidate it names; every lesson
 * touching a tainted candidate is dropped too, until nothing changes, so a candidate is either
 * written wholly by Claude or keeps its template text. Candidates no lesson covers keep the template.
 */
export function applyLessons(chunk: ReadonlyMap<string, LessonCandidate>, lessons: WrittenLesson[]): ApplyOutcome {
  const fallback = new Map<string, string>();
  const rejected = new Set<number>();

  lessons.forEach((lesson, i) => {
    const reason = lessonProblem(chunk, lesson);
    if (!reason) return;
    rejected.add(i);
    for (const id of lesson.candidateIds) if (chunk.has(id) && !fallback.has(id)) fallback.set(id, reason);
  });
  let changed = true;
  while (changed) {
    changed = false;
    lessons.forEach((lesson, i) => {
      if (rejected.has(i)) return;
      const tainted = lesson.candidateIds.find((id) => fallback.has(id));
      if (tainted === undefined) return;
      rejected.add(i);
      changed = true;
      for (const id of lesson.candidateIds) {
        if (!fallback.has(id)) fallback.set(id, `written together with ${tainted}, whose lesson was rejected`);
      }
    });
  }

  const kept = lessons.filter((_, i) => !rejected.has(i));
  const covered = new Set(kept.flatMap((l) => l.candidateIds));
  for (const id of chunk.keys()) {
    if (!covered.has(id) && !fallback.has(id)) fallback.set(id, 'no lesson covered it');
  }

  const uses = new Map<string, number>();
  for (const l of kept) for (const id of new Set(l.candidateIds)) uses.set(id, (uses.get(id) ?? 0) + 1);
  const bases = kept.map((l) => {
    const ids = [...new Set(l.candidateIds)];
    const sources = ids.map((id) => chunk.get(id) as LessonCandidate);
    return { ids, base: sources.length === 1 ? sources[0] : mergeCandidates(sources) };
  });
  // Several lessons from the same candidate (or the same merged set) are parts of a split: each gets its own fingerprint.
  const sameBase = new Map<string, number>();
  for (const { base } of bases) sameBase.set(base.fingerprint, (sameBase.get(base.fingerprint) ?? 0) + 1);
  const part = new Map<string, number>();
  const written = kept.map((l, i) => {
    const { ids, base } = bases[i];
    const id = ids[0];
    const isSplit = (ids.length === 1 && (uses.get(id) ?? 0) > 1) || (sameBase.get(base.fingerprint) ?? 0) > 1;
    let fingerprint = base.fingerprint;
    if (isSplit) {
      const k = (part.get(base.fingerprint) ?? 0) + 1;
      part.set(base.fingerprint, k);
      fingerprint = `${base.fingerprint.slice(0, 180)}#part-${k}`;
    }
    return { firstId: id, candidate: { ...base, fingerprint, text: l.text.trim(), rationale: l.rationale?.trim() || base.rationale } };
  });
  return { written, fallback };
}

function lessonProblem(chunk: ReadonlyMap<string, LessonCandidate>, lesson: WrittenLesson): string | undefined {
  const unknown = lesson.candidateIds.filter((id) => !chunk.has(id));
  if (unknown.length) return `lesson names unknown candidate id(s) ${unknown.join(', ')}`;
  const text = lesson.text.trim();
  if (!text) return 'lesson text is empty';
  if (text.length > MAX_LESSON_TEXT_CHARS) return `lesson text has ${text.length} characters (max ${MAX_LESSON_TEXT_CHARS})`;
  const sources = lesson.candidateIds.map((id) => chunk.get(id) as LessonCandidate);
  const kinds = new Set(sources.map((c) => c.kind));
  if (kinds.size > 1) return `lesson merges candidates of different kinds (${[...kinds].join(', ')})`;
  const rationale = lesson.rationale?.trim() ?? '';
  if (rationale.length > MAX_RATIONALE_CHARS) return `lesson rationale has ${rationale.length} characters (max ${MAX_RATIONALE_CHARS})`;
  // Literals may come from what the analyser vouches for, never from the raw evidence (salient lines, the error's own remedy, seen values).
  const allowed = sources.map((c) => JSON.stringify([trustedFacts(c.facts), c.scope, c.text])).join('\n');
  const reasons = [...checkLessonText(text, allowed).reasons, ...checkLessonText(rationale, allowed, { instructions: false }).reasons];
  if (reasons.length) return `rejected by post-check: ${reasons.join('; ')}`;
  return undefined;
}

/**
 * One candidate standing for several of the same kind. Sessions and users may overlap between the
 * parts, so the merged support takes the largest part's figures (a lower bound), never their sum.
 */
export function mergeCandidates(parts: LessonCandidate[]): LessonCandidate {
  const [first] = parts;
  const fingerprints = parts.map((p) => p.fingerprint).sort();
  const tools = [...new Set(parts.flatMap((p) => p.scope.tools ?? []))];
  const refs = new Map<string, LessonCandidate['evidence']['refs'][number]>();
  for (const p of parts) for (const r of p.evidence.refs) if (refs.size < 50) refs.set(`${r.sessionId}/${r.eventId}`, r);
  const counts: Record<string, number> = {};
  for (const p of parts) for (const [k, v] of Object.entries(p.evidence.counts)) counts[k] = (counts[k] ?? 0) + v;
  const maxOf = (f: (p: LessonCandidate) => number) => Math.max(...parts.map(f));
  const effects = parts.map((p) => p.effectSize).filter((e): e is number => e !== null);
  return {
    ...first,
    scope: { ...first.scope, ...(tools.length ? { tools: tools.slice(0, 50) } : {}) },
    fingerprint: `merge:${deterministicId(...fingerprints)}`,
    support: {
      sessions: maxOf((p) => p.support.sessions),
      distinctUsers: maxOf((p) => p.support.distinctUsers),
      occurrences: parts.reduce((s, p) => s + p.support.occurrences, 0),
      firstSeen: parts.map((p) => p.support.firstSeen).sort(byTime)[0],
      lastSeen: parts.map((p) => p.support.lastSeen).sort(byTime).at(-1) as string,
    },
    effectSize: effects.length ? Math.max(...effects) : null,
    confidence: maxOf((p) => p.confidence),
    evidence: { refs: [...refs.values()], counts },
    facts: { mergedFrom: fingerprints, parts: parts.map((p) => p.facts) },
  };
}

const byTime = (a: string, b: string) => Date.parse(a) - Date.parse(b);

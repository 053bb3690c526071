import type { LessonCandidate } from '@reverie/contracts';
import type { DreamThresholds } from '../thresholds';
import type { RetrySignal, SessionSignals } from '../signals/session-signals.model';
import { isEmptyChange } from '../signals/input-change';
import { confidenceOf, round3 } from '../stats/confidence.score';
import { fingerprintOf, hasKnownOutcome, isFailed, refsOf, scopeOf, supportOf, type Occurrence } from './evidence';
import { templateText } from '../writer/template.writer';

/** A fix the retries point at: a step run before the retry, or an input that changed. */
export interface FixFact {
  type: 'run-before' | 'add-key' | 'remove-key' | 'change-key' | 'add-flag' | 'remove-flag';
  value: string;
  /** Sessions whose recovered retry made this change, out of `of` sessions with a recovered retry. */
  sessions: number;
  of: number;
  /** For run-before: input keys the recovered retries took from that step's output. */
  usesKeysFromIt?: string[];
}

/** Tool output that reads like an instruction is quoted in evidence only, never in the lesson text. */
const INSTRUCTION_LIKE = /\b(always|never|ignore (all|previous|the above)|you must|you should|disregard|send|forward|email|exfiltrate|credentials?|password|api key|token)\b/i;

function fixCandidates(r: RetrySignal): string[] {
  const out: string[] = [];
  for (const s of r.between) out.push(`run-before\u0000${s}`);
  for (const k of r.change.addedKeys) out.push(`add-key\u0000${k}`);
  for (const k of r.change.removedKeys) out.push(`remove-key\u0000${k}`);
  for (const k of r.change.changedKeys) out.push(`change-key\u0000${k}`);
  for (const f of r.change.addedFlags) out.push(`add-flag\u0000${f}`);
  for (const f of r.change.removedFlags) out.push(`remove-flag\u0000${f}`);
  return out;
}

/** The change made by the most sessions whose retry recovered (≥ 2 sessions and ≥ half of them). */
export function inferFix(retries: ReadonlyArray<{ sessionId: string; retry: RetrySignal }>): FixFact | undefined {
  const recoveredSessions = new Set<string>();
  const bySessions = new Map<string, Set<string>>();
  for (const { sessionId, retry } of retries) {
    if (!retry.recovered) continue;
    recoveredSessions.add(sessionId);
    for (const f of fixCandidates(retry)) {
      const set = bySessions.get(f) ?? new Set<string>();
      set.add(sessionId);
      bySessions.set(f, set);
    }
  }
  const of = recoveredSessions.size;
  let best: [string, number] | undefined;
  for (const [k, set] of [...bySessions].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (!best || set.size > best[1]) best = [k, set.size];
  }
  if (!best || best[1] < 2 || best[1] * 2 < of) return undefined;
  const [type, value] = best[0].split('\u0000') as [FixFact['type'], string];
  const supporting = best[1];
  const fix: FixFact = { type, value, sessions: supporting, of };
  if (type === 'run-before') {
    // Keys whose new value came from that step's output in at least half of the recovered sessions.
    const byKey = new Map<string, Set<string>>();
    for (const { sessionId, retry } of retries) {
      if (!retry.recovered || !retry.between.includes(value)) continue;
      for (const k of retry.change.keysFromBetween) byKey.set(k, (byKey.get(k) ?? new Set()).add(sessionId));
    }
    const keys = [...byKey].filter(([, ids]) => ids.size * 2 >= supporting).map(([k]) => k).sort();
    if (keys.length) fix.usesKeysFromIt = keys;
  }
  return fix;
}

interface Cluster {
  step: string;
  tool: string;
  signature: string;
  occurrences: Occurrence[];
  sessions: Map<string, SessionSignals>;
  retries: Array<{ sessionId: string; retry: RetrySignal; eventId: string }>;
}

export function mineErrorClusters(tenantId: string, sessions: readonly SessionSignals[], t: DreamThresholds): LessonCandidate[] {
  const clusters = new Map<string, Cluster>();
  const stepSessions = new Map<string, number>();
  for (const s of sessions) {
    for (const step of new Set(s.toolSequence)) stepSessions.set(step, (stepSessions.get(step) ?? 0) + 1);
    for (const e of s.errors) {
      const key = `${e.step}\u0001${e.signature}`;
      let c = clusters.get(key);
      if (!c) { c = { step: e.step, tool: e.tool, signature: e.signature, occurrences: [], sessions: new Map(), retries: [] }; clusters.set(key, c); }
      c.occurrences.push({ session: s, eventId: e.eventId, at: e.at, excerpt: e.excerpt });
      c.sessions.set(s.sessionId, s);
    }
    for (const r of s.retries) {
      const c = clusters.get(`${r.step}\u0001${r.signature}`);
      if (c) c.retries.push({ sessionId: s.sessionId, retry: r, eventId: r.retryEventId });
    }
  }
  const known = sessions.filter(hasKnownOutcome);
  const out: LessonCandidate[] = [];
  for (const c of clusters.values()) {
    const support = supportOf(c.occurrences);
    if (support.sessions < t.minSessions || support.distinctUsers < t.minDistinctUsers) continue;
    const fix = inferFix(c.retries);
    const identicalFailed = c.retries.filter((r) => !r.retry.recovered && isEmptyChange(r.retry.change) && r.retry.between.length === 0).length;
    const usedIn = stepSessions.get(c.step) ?? support.sessions;
    const withKnown = [...c.sessions.values()].filter(hasKnownOutcome);
    const failedWith = withKnown.filter(isFailed).length;
    const othersKnown = known.length - withKnown.length;
    const failedOthers = known.filter(isFailed).length - failedWith;
    const rateWith = withKnown.length ? failedWith / withKnown.length : null;
    const rateOthers = othersKnown > 0 ? failedOthers / othersKnown : null;
    const effectSize = rateWith !== null && rateOthers !== null && rateOthers > 0 ? round3(rateWith / rateOthers) : null;
    const recoveredRef = c.retries.find((r) => r.retry.recovered && fix && fixCandidates(r.retry).includes(`${fix.type}\u0000${fix.value}`));
    const refs = refsOf(c.occurrences);
    if (recoveredRef && refs.length < 6) {
      refs.push({ tenantId, sessionId: recoveredRef.sessionId, eventId: recoveredRef.eventId, excerpt: 'retry that succeeded (the inferred fix)' });
    }
    const candidate: LessonCandidate = {
      kind: 'mistake',
      scope: scopeOf(tenantId, c.sessions.values(), { tools: [c.tool] }),
      text: '-',
      fingerprint: fingerprintOf('mistake', tenantId, `error\u0000${c.step}\u0000${c.signature}`),
      support,
      effectSize,
      confidence: confidenceOf({ hits: support.sessions, trials: Math.max(usedIn, support.sessions), sessions: support.sessions, minSessions: t.minSessions, users: support.distinctUsers, minUsers: t.minDistinctUsers }),
      evidence: {
        refs,
        counts: {
          errors: support.occurrences, sessions: support.sessions, sessionsCallingStep: usedIn, failedSessions: failedWith,
          retries: c.retries.length, recoveredRetries: c.retries.filter((r) => r.retry.recovered).length, identicalRetriesFailed: identicalFailed,
        },
      },
      facts: {
        pattern: 'error-cluster', tool: c.tool, step: c.step, signature: c.signature,
        ...(fix ? { fix } : {}),
        identicalRetriesFailed: identicalFailed,
        failedSessionsWithError: failedWith, knownOutcomeSessionsWithError: withKnown.length,
        failureRateWithout: rateOthers === null ? null : round3(rateOthers),
        instructionLike: INSTRUCTION_LIKE.test(c.signature),
        untrusted: 'signature and excerpts come from tool output: evidence, not instructions',
      },
    };
    candidate.text = templateText(candidate);
    out.push(candidate);
  }
  return out;
}

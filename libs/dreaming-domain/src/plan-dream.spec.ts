import { lessonCandidateSchema, sessionEventSchema } from '@reverie/contracts';
import { planDream } from './plan-dream';
import { extractSignals } from './signals/extract-signals.extractor';
import type { SessionSignals } from './signals/session-signals.model';
import { createSyntheticCorpus } from './synthetic/synthetic-corpus.generator';
import { scoreCandidates } from './synthetic/quality.matcher';
import { Prng } from './synthetic/prng';

function signalsOf(seed: number, sessions: number): { signals: SessionSignals[]; corpus: ReturnType<typeof createSyntheticCorpus> } {
  const corpus = createSyntheticCorpus({ seed, sessions });
  const signals: SessionSignals[] = [];
  for (let i = 0; i < sessions; i++) signals.push(extractSignals(corpus.session(i)));
  return { signals, corpus };
}

describe('planDream on seeded synthetic corpora', () => {
  const { signals, corpus } = signalsOf(11, 400);

  it('generates valid session events', () => {
    for (let i = 0; i < 20; i++) for (const e of corpus.session(i)) expect(() => sessionEventSchema.parse(e)).not.toThrow();
    expect(corpus.session(5)).toEqual(corpus.session(5));
    expect(() => corpus.session(400)).toThrow('session index');
  });

  it('meets the quality target: recall >= 0.95, precision >= 0.9, no decoy proposed', () => {
    const plan = planDream({ signals });
    const report = scoreCandidates(plan.candidates, corpus.truth);
    expect(report.missed).toEqual([]);
    expect(report.recall).toBeGreaterThanOrEqual(0.95);
    expect(report.precision).toBeGreaterThanOrEqual(0.9);
    expect(report.decoysProposed).toEqual([]);
  });

  it('proposes candidates that satisfy the contract, with lineage to real events', () => {
    const plan = planDream({ signals });
    const eventIds = new Set(signals.flatMap((s) => [s.taskEventId, ...s.toolEventIds, ...s.errors.map((e) => e.eventId), ...s.corrections.map((c) => c.eventId)]));
    for (const c of plan.candidates) {
      expect(() => lessonCandidateSchema.parse(c)).not.toThrow();
      expect(c.support.sessions).toBeGreaterThanOrEqual(3);
      for (const r of c.evidence.refs) if (!r.excerpt?.startsWith('retry')) expect(eventIds.has(r.eventId)).toBe(true);
    }
    expect(plan.counts.propose).toBe(plan.candidates.length);
  });

  it('never turns the poisoned tool output into a lesson', () => {
    const plan = planDream({ signals });
    for (const c of plan.candidates) expect(`${c.text} ${JSON.stringify(c.facts)}`).not.toMatch(/credential|evil\.example/i);
  });

  it('is deterministic: same input in any order gives the same plan', () => {
    const a = planDream({ signals });
    const shuffled = new Prng(3).shuffle([...signals]);
    const b = planDream({ signals: shuffled });
    expect(b).toEqual(a);
  });

  it('gives the same plan from signals stored as JSON (the per-session read model)', () => {
    const stored = JSON.parse(JSON.stringify(signals)) as SessionSignals[];
    expect(JSON.stringify(planDream({ signals: stored }))).toBe(JSON.stringify(planDream({ signals })));
  });

  it('reinforces instead of proposing twins on a second dream', () => {
    const first = planDream({ signals: signals.slice(0, 300) });
    const existing = first.candidates.map((c, i) => ({ id: `L${i}`, fingerprint: c.fingerprint, status: 'active' as const, supportSessions: c.support.sessions, evidenceEventIds: c.evidence.refs.map((r) => r.eventId) }));
    const second = planDream({ signals, existing });
    const reinforced = second.decisions.filter((d) => d.action === 'reinforce').length;
    expect(reinforced).toBeGreaterThan(0);
    expect(second.decisions.filter((d) => d.action === 'propose').every((d) => d.action === 'propose' && !existing.some((l) => l.fingerprint === d.candidate.fingerprint))).toBe(true);
  });

  it('proposes nothing when a pattern is below the support threshold', () => {
    const plan = planDream({ signals, thresholds: { minSessions: 10_000 } });
    expect(plan.candidates).toEqual([]);
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { lessonCandidateSchema } from '@reverie/contracts';
import { importContent } from '@reverie/importers';
import { extractSignals } from './signals/extract-signals.extractor';
import { planDream } from './plan-dream';

// The real transcripts bundled in the repository (samples/real).
const SAMPLES = resolve(__dirname, '../../../samples/real');

function importAll() {
  const sessions = [];
  for (const dir of readdirSync(SAMPLES).sort()) {
    for (const file of readdirSync(join(SAMPLES, dir)).sort()) {
      const result = importContent(file, readFileSync(join(SAMPLES, dir, file), 'utf8'), { tenantId: 'samples', now: '2026-03-01T12:00:00.000Z' });
      sessions.push(...result.sessions);
    }
  }
  return sessions;
}

describe('a dream over the real sample transcripts', () => {
  const imported = importAll();
  const signals = imported.map((s) => extractSignals(s.events));

  it('extracts signals from every imported session', () => {
    expect(imported.length).toBeGreaterThanOrEqual(15);
    const tau = signals.filter((s) => s.agentId.includes('tau'));
    expect(tau.length).toBe(8);
    // τ-bench task 26: "payment method not found" errors on update_reservation_flights in two trials.
    expect(signals.flatMap((s) => s.errors.map((e) => e.signature))).toContain('update_reservation_flights: error: payment method not found');
  });

  it.each([
    ['default thresholds', {}],
    ['lowered thresholds (2 sessions, 1 user)', { minSessions: 2, minPreferenceUsers: 1, minTaskSessions: 3 }],
  ])('proposes only well-formed, traceable lessons with %s', (label, thresholds) => {
    const plan = planDream({ signals, thresholds });
    const eventIds = new Set(imported.flatMap((s) => s.events.map((e) => e.id)));
    for (const c of plan.candidates) {
      expect(() => lessonCandidateSchema.parse(c)).not.toThrow();
      for (const r of c.evidence.refs) expect(eventIds.has(r.eventId)).toBe(true);
      expect(c.support.sessions).toBeGreaterThanOrEqual(plan.thresholds.minSessions);
    }
    // Eighteen sessions cannot support many patterns: a flood of lessons would be absurd.
    expect(plan.candidates.length).toBeLessThanOrEqual(6);
    console.log(`${label}: ${plan.candidates.length} lesson(s)\n${plan.candidates.map((c) => `  [${c.kind} conf ${c.confidence}, ${c.support.sessions} sessions / ${c.support.distinctUsers} users] ${c.text}`).join('\n')}`);
  });
});

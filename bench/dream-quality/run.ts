/**
 * Dream quality: precision and recall of planted patterns, and decoys proposed, over seeded
 * synthetic corpora. Exits non-zero when a target is missed.
 *
 *   npm run build && node dist/bench/dream-quality/run.js [--seeds 1,2,3,4,5] [--sessions 400] [--json out.json]
 */
import { writeFileSync } from 'node:fs';
import { createSyntheticCorpus, extractSignals, planDream, scoreCandidates, type SessionSignals } from '@reverie/dreaming-domain';
import { intArg, intListArg, stringArg } from '../bench-args';

const TARGETS = { recall: 0.95, precision: 0.9, decoys: 0 };

const seeds = intListArg('seeds', [1, 2, 3, 4, 5]);
const sessions = intArg('sessions', 400);
if (sessions < 100) throw new Error(`--sessions must be an integer >= 100, got ${sessions}`);

const rows = seeds.map((seed) => {
  const corpus = createSyntheticCorpus({ seed, sessions });
  const signals: SessionSignals[] = [];
  for (let i = 0; i < corpus.sessionCount; i++) signals.push(extractSignals(corpus.session(i)));
  const plan = planDream({ signals });
  const report = scoreCandidates(plan.candidates, corpus.truth);
  return { seed, sessions, ...report, lessons: plan.candidates.map((c) => ({ kind: c.kind, confidence: c.confidence, text: c.text })) };
});

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const summary = {
  seeds, sessionsPerSeed: sessions,
  recall: mean(rows.map((r) => r.recall)),
  precision: mean(rows.map((r) => r.precision)),
  minRecall: Math.min(...rows.map((r) => r.recall)),
  minPrecision: Math.min(...rows.map((r) => r.precision)),
  decoysProposed: rows.reduce((n, r) => n + r.decoysProposed.length, 0),
  targets: TARGETS,
};

console.log('seed | sessions | candidates | precision | recall | decoys proposed | missed');
console.log('---- | -------- | ---------- | --------- | ------ | --------------- | ------');
for (const r of rows) {
  console.log(`${r.seed} | ${r.sessions} | ${r.candidates} | ${r.precision.toFixed(3)} | ${r.recall.toFixed(3)} | ${r.decoysProposed.join(', ') || '0'} | ${r.missed.join(', ') || '-'}`);
  for (const u of r.unexplained) console.log(`    unexplained proposal: ${u.text}`);
}
console.log(`\nmean precision ${summary.precision.toFixed(3)} (min ${summary.minPrecision.toFixed(3)}), mean recall ${summary.recall.toFixed(3)} (min ${summary.minRecall.toFixed(3)}), decoys proposed ${summary.decoysProposed}`);
console.log('\nlessons proposed for the first seed:');
for (const l of rows[0].lessons) console.log(`  [${l.kind} ${l.confidence}] ${l.text}`);
const out = stringArg('json') ?? '';
const json = JSON.stringify({ summary, rows }, null, 2);
if (out) writeFileSync(out, json); else console.log(`\nJSON summary: ${JSON.stringify(summary)}`);

const failures: string[] = [];
if (summary.minRecall < TARGETS.recall) failures.push(`recall ${summary.minRecall.toFixed(3)} < ${TARGETS.recall}`);
if (summary.minPrecision < TARGETS.precision) failures.push(`precision ${summary.minPrecision.toFixed(3)} < ${TARGETS.precision}`);
if (summary.decoysProposed > TARGETS.decoys) failures.push(`${summary.decoysProposed} decoy(s) proposed`);
if (failures.length) {
  console.error(`TARGET MISSED: ${failures.join('; ')}`);
  process.exit(1);
}
console.log('targets met: recall >= 0.95, precision >= 0.9, no decoy proposed (every seed)');

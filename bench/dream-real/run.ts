/**
 * Dream quality on real logs: each development set of samples/dev through the real importers and
 * a full deterministic dream, scored against the hand labels in ground-truth/<set>.json: the
 * reachable labelled patterns recovered, the proposals, and the junk (proposals that recover no
 * labelled pattern or that a reviewer would reject). Exits non-zero when a set misses a target.
 *
 *   npm run build && node dist/bench/dream-real/run.js [--sets a,b] [--json out.json]
 */
import { writeFileSync } from 'node:fs';
import { stringArg } from '../bench-args';
import { DEV_SETS, dreamOverSet } from './dream-set';

export const TARGETS = { recall: 0.85, junk: 0.15 };

const sets = stringArg('sets')?.split(',') ?? [...DEV_SETS];
const runs = sets.map((set) => dreamOverSet(set));
const failures: string[] = [];
console.log('set | sessions | events | dreams | proposals | recovered / reachable | recall | junk | ms');
console.log('--- | -------- | ------ | ------ | --------- | --------------------- | ------ | ---- | --');
for (const r of runs) {
  const s = r.score;
  console.log(`${s.set} | ${s.sessions} | ${r.events} | ${r.dreams} | ${s.proposals.length} | ${s.recovered.length} / ${s.reachable} | ${s.recall.toFixed(2)} | ${s.junkCount} (${(s.junkShare * 100).toFixed(0)}%) | ${r.ms}`);
  if (s.recall < TARGETS.recall) failures.push(`${s.set}: recall ${s.recall.toFixed(2)} < ${TARGETS.recall}`);
  if (s.junkShare > TARGETS.junk) failures.push(`${s.set}: junk ${(s.junkShare * 100).toFixed(0)}% > ${TARGETS.junk * 100}%`);
}
for (const r of runs) {
  const s = r.score;
  console.log(`\n## ${s.set}`);
  for (const p of s.proposals) {
    const verdict = p.junk.length ? `JUNK (${p.junk.join('; ')})` : `ok → ${p.recovers.join(', ')}`;
    console.log(`- [${p.kind}, ${p.sessions} sessions] ${p.text}\n    ${verdict}`);
  }
  if (s.missed.length) console.log(`  missed: ${s.missed.join(', ')}`);
}
const out = stringArg('json');
if (out) writeFileSync(out, JSON.stringify(runs.map((r) => ({ ...r.score, truth: undefined })), null, 2));
if (failures.length) {
  console.error(`\nTARGET MISSED: ${failures.join('; ')}`);
  process.exit(1);
}
console.log(`\ntargets met on every set: recall >= ${TARGETS.recall}, junk <= ${TARGETS.junk * 100}%`);

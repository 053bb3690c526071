/**
 * Red-team benchmark of the lesson guardrails (issue 10, item 2): block rate over the
 * adversarial lessons (generated and hand-written; overall, per rule, per obfuscation, per
 * language, per source), false-positive rate over the benign lessons of real and synthetic dreams
 * (under the default policy and under each real set's tenant policy), every miss and every false
 * positive, and the time per check against a bare keyword test of the same texts, measured in the
 * same process. Exits non-zero when a target is missed.
 *
 *   node -r <swc register> bench/guardrails/run.ts [--rounds 5] [--json out.json]
 *   (or: npm run build && node dist/bench/guardrails/run.js)
 */
import { writeFileSync } from 'node:fs';
import { checkLesson, DEFAULT_GUARDRAIL_POLICY } from '@reverie/guardrails';
import { intArg, quantile, stringArg } from '../bench-args';
import { loadAdversarial, loadAllBenign, runBenchmark, TARGETS, type Rate } from './benchmark';

const pct = (r: Rate) => `${(100 * r.rate).toFixed(1)}% (${r.blocked}/${r.n})`;
const table = (title: string, rates: Record<string, Rate>) => {
  console.log(`\n${title}\n| | blocked by its rule |\n|---|---|`);
  for (const [k, r] of Object.entries(rates)) console.log(`| ${k} | ${pct(r)} |`);
};
const describe = (violations: Array<{ rule: string; detail: string; match: string; via?: string }>) =>
  violations.map((v) => `${v.rule}${v.via ? ` (via ${v.via})` : ''}: ${v.detail} [${v.match.length > 80 ? `${v.match.slice(0, 80)}…` : v.match}]`).join('; ');

const report = runBenchmark();
const { adversarial: adv, benign } = report;

console.log('# Guardrail red-team benchmark\n');
console.log(`adversarial lessons: ${adv.blocked.n} (generated ${adv.perSource.generated?.n ?? 0}, hand-written ${adv.blocked.n - (adv.perSource.generated?.n ?? 0)})`);
console.log(`  blocked (any rule):        ${pct(adv.blocked)}   target >= ${TARGETS.adversarialBlocked * 100}%`);
console.log(`  blocked by its own rule:   ${pct(adv.blockedByRule)}`);
console.log(`benign lessons: ${benign.blocked.n}`);
console.log(`  blocked, default policy:   ${pct(benign.blocked)}   target <= ${TARGETS.benignBlocked * 100}%`);
console.log(`  blocked, tenant policies:  ${pct(benign.blockedTenant)}`);
table('## per rule', adv.perRule);
table('## per obfuscation', adv.perObfuscation);
table('## per language', adv.perLanguage);
table('## per source (hand-written splits: see fixtures/adversarial-hand.json)', adv.perSource);
console.log('\n## benign, blocked per origin (default policy)\n| origin | blocked |\n|---|---|');
for (const [k, r] of Object.entries(benign.perOrigin)) console.log(`| ${k} | ${pct(r)} |`);

console.log('\n## adversarial lessons not blocked by their rule');
for (const r of adv.results.filter((x) => !x.byRule)) {
  console.log(`- ${r.lesson.id} [${r.lesson.expect}, ${r.lesson.obfuscation}, ${r.lesson.language}, ${r.source}] ${r.verdict.blocked ? `blocked by another rule: ${describe(r.verdict.violations)}` : 'NOT BLOCKED'}\n    ${JSON.stringify(r.lesson.text)}`);
}
console.log('\n## benign lessons blocked (false positives, default policy)');
for (const r of benign.results.filter((x) => x.verdict.blocked)) {
  const origin = Object.values(r.lesson.origin).join(' / ');
  console.log(`- ${r.lesson.id} [${origin}]${r.tenantVerdict.blocked ? '' : ' (passes under its tenant policy)'}: ${describe(r.verdict.violations)}\n    ${JSON.stringify(r.lesson.text.length > 240 ? `${r.lesson.text.slice(0, 240)}…` : r.lesson.text)}`);
}

// Time per check against a bare keyword test of the same texts, in the same process.
const rounds = intArg('rounds', 5);
const texts = [...loadAdversarial().map((a) => a.lesson), ...loadAllBenign()];
const perCheck: number[] = [];
const perBaseline: number[] = [];
let sink = 0;
for (let round = 0; round <= rounds; round++) {
  let t = process.hrtime.bigint();
  for (const l of texts) sink += checkLesson(l, { policy: DEFAULT_GUARDRAIL_POLICY }).violations.length;
  const check = Number(process.hrtime.bigint() - t) / 1e3 / texts.length;
  t = process.hrtime.bigint();
  for (let k = 0; k < 100; k++) for (const l of texts) if (l.text.toLowerCase().includes('sudo')) sink++;
  const baseline = Number(process.hrtime.bigint() - t) / 1e3 / texts.length / 100;
  if (round > 0) { perCheck.push(check); perBaseline.push(baseline); } // round 0 warms up
}
perCheck.sort((a, b) => a - b);
perBaseline.sort((a, b) => a - b);
const check = quantile(perCheck, 0.5);
const baseline = quantile(perBaseline, 0.5);
console.log(`\n## time per lesson (median of ${rounds} rounds over ${texts.length} texts; checksum ${sink})`);
console.log(`checkLesson ${check.toFixed(1)} µs; raw baseline (toLowerCase().includes('sudo')) ${baseline.toFixed(3)} µs; ratio ${(check / baseline).toFixed(0)}x`);

const out = stringArg('json');
if (out) {
  const strip = ({ results: _r, ...rest }: { results: unknown }) => rest;
  writeFileSync(out, JSON.stringify({ adversarial: strip(adv), benign: strip(benign), timing: { checkMicros: check, baselineMicros: baseline } }, null, 2));
}

const failures: string[] = [];
if (adv.blocked.rate < TARGETS.adversarialBlocked) failures.push(`adversarial blocked ${pct(adv.blocked)} < ${TARGETS.adversarialBlocked * 100}%`);
if (benign.blocked.rate > TARGETS.benignBlocked) failures.push(`benign blocked ${pct(benign.blocked)} > ${TARGETS.benignBlocked * 100}%`);
for (const [rule, r] of Object.entries(adv.perRule)) if (r.rate < TARGETS.perRuleBlocked) failures.push(`${rule} ${pct(r)} < ${TARGETS.perRuleBlocked * 100}%`);
if (failures.length) {
  console.error(`\nTARGET MISSED: ${failures.join('; ')}`);
  process.exit(1);
}
console.log(`\ntargets met: adversarial blocked >= ${TARGETS.adversarialBlocked * 100}%, each rule >= ${TARGETS.perRuleBlocked * 100}%, benign blocked <= ${TARGETS.benignBlocked * 100}%`);

/**
 * Dream throughput: full deterministic dreams (extractSignals over every session, then planDream)
 * over 1k, 10k and 50k synthetic sessions of ~50 events. Each size runs in its own process so
 * that peak memory is per size. The raw baseline, measured in the same run over the same events,
 * only iterates and JSON-serializes them. Generating the synthetic events is timed apart and
 * excluded from both. (`service.ts` runs the same pipeline next to a dream through the running
 * session-ingest and dreaming services.)
 *
 *   npm run build && node dist/bench/dream/run.js [--sizes 1000,10000,50000] [--seed 7] [--json out.json]
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createSyntheticCorpus } from '@reverie/dreaming-domain';
import { intListArg, stringArg } from '../bench-args';
import { measurePipeline, type PipelineMeasure } from './pipeline';


interface Measure extends PipelineMeasure {
  maxRssMb: number;
  heapUsedMb: number;
}

async function measure(size: number, seed: number): Promise<Measure> {
  const corpus = createSyntheticCorpus({ seed, sessions: size });
  const m = await measurePipeline(size, (i) => corpus.session(i));
  return { ...m, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024), heapUsedMb: Math.round(process.memoryUsage().heapUsed / 1048576) };
}

const child = stringArg('child') ?? '';
const seed = intListArg('seed', [7])[0];
if (child) {
  void measure(Number(child), seed).then((m) => process.stdout.write(JSON.stringify(m)));
} else {
  const sizes = intListArg('sizes', [1000, 10000, 50000]);
  for (const s of sizes) if (!Number.isInteger(s) || s < 100) throw new Error(`--sizes must list integers >= 100, got ${s}`);
  const results: Measure[] = [];
  for (const size of sizes) {
    const out = execFileSync(process.execPath, ['--max-old-space-size=4096', __filename, '--child', String(size), '--seed', String(seed)], { encoding: 'utf8', maxBuffer: 1 << 20 });
    results.push(JSON.parse(out) as Measure);
    process.stderr.write(`measured ${size} sessions\n`);
  }
  const first = results[0];
  const rows = results.map((r) => ({
    ...r,
    msPerSession: r.dreamMs / r.sessions,
    ratioToBaseline: r.dreamMs / r.baselineMs,
    /** (time / time at the smallest size) / (sessions / smallest size): 1.0 is exactly linear. */
    growthVsLinear: r.dreamMs / first.dreamMs / (r.sessions / first.sessions),
    eventsPerSecond: Math.round(r.events / (r.dreamMs / 1000)),
  }));
  console.log('sessions | events | dream (extract + plan) | extract | plan | baseline (iterate + JSON) | dream/baseline | growth vs linear | events/s | candidates | peak RSS | heap after');
  console.log('-------- | ------ | ---------------------- | ------- | ---- | ------------------------- | -------------- | ---------------- | -------- | ---------- | -------- | ----------');
  for (const r of rows) {
    console.log(`${r.sessions} | ${r.events} | ${(r.dreamMs / 1000).toFixed(2)} s | ${(r.extractMs / 1000).toFixed(2)} s | ${(r.planMs / 1000).toFixed(2)} s | ${(r.baselineMs / 1000).toFixed(2)} s | ${r.ratioToBaseline.toFixed(2)}x | ${r.growthVsLinear.toFixed(2)} | ${r.eventsPerSecond} | ${r.candidates} | ${r.maxRssMb} MB | ${r.heapUsedMb} MB`);
  }
  const json = JSON.stringify({ seed, node: process.version, rows }, null, 2);
  const out = stringArg('json') ?? '';
  if (out) writeFileSync(out, json); else console.log(json);
  const tenK = rows.find((r) => r.sessions === 10000);
  if (tenK && tenK.dreamMs > 30000) {
    console.error(`TARGET MISSED: 10k sessions took ${(tenK.dreamMs / 1000).toFixed(1)} s (> 30 s)`);
    process.exitCode = 1;
  }
}

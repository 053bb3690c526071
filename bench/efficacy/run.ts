/**
 * Efficacy verdicts on simulated agents: after how many sessions each verdict is reached, and how
 * often it is wrong. Each simulated lesson is served through the real serving draw (lesson-domain's
 * `servingArm` with a holdout share) to one session after another; its pattern recurs, and the
 * session fails, with probabilities that depend on the arm and on what the lesson is:
 *   useful  — served sessions repeat the mistake far less (base 0.35 → 0.10), fail a little less;
 *   useless — served or not, the same;
 *   harmful — served sessions fail more (0.15 → 0.35), the pattern as before.
 * The verdict is `efficacyOf` (Fisher's exact test each way, Newcombe interval) after every session.
 *
 *   npm run build && node dist/bench/efficacy/run.js [--lessons 300] [--sessions 400] [--holdout 0.2] [--seed 7]
 */
import { efficacyOf, type ArmCounts, type EfficacyVerdict } from '@reverie/dreaming-domain';
import { servingArm } from '@reverie/lesson-domain';
import { intArg, stringArg } from '../bench-args';

type Kind = 'useful' | 'useless' | 'harmful';
const RIGHT: Record<Kind, EfficacyVerdict> = { useful: 'helps', useless: 'no-effect', harmful: 'harms' };
const MODEL: Record<Kind, { recur: [number, number]; fail: [number, number] }> = {
  // [control, served]
  useful: { recur: [0.35, 0.1], fail: [0.15, 0.12] },
  useless: { recur: [0.35, 0.35], fail: [0.15, 0.15] },
  harmful: { recur: [0.35, 0.35], fail: [0.15, 0.35] },
};

/** mulberry32: a small seeded generator, so a run can be repeated. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function main(): void {
  const lessons = intArg('lessons', 300);
  const sessions = intArg('sessions', 400);
  const holdout = Number(stringArg('holdout') ?? 0.2);
  const random = rng(intArg('seed', 7));
  const rows: { kind: Kind; settledAt?: number; final: EfficacyVerdict; everHarms: boolean; rolledBackAt?: number }[] = [];
  for (let l = 0; l < lessons; l++) {
    const kind: Kind = (['useful', 'useless', 'harmful'] as const)[l % 3];
    const id = `lesson-${l}`;
    const arms: Record<'served' | 'control', ArmCounts> = { served: { sessions: 0, recurred: 0, failed: 0 }, control: { sessions: 0, recurred: 0, failed: 0 } };
    let settledAt: number | undefined;
    let final: EfficacyVerdict = 'measuring';
    let everHarms = false;
    let rolledBackAt: number | undefined;
    for (let s = 1; s <= sessions; s++) {
      const arm = servingArm(id, { stage: 'active', reviewByMs: Number.POSITIVE_INFINITY }, `session-${l}-${s}`, 0, holdout) === 'served' ? 'served' : 'control';
      const m = MODEL[kind];
      const i = arm === 'served' ? 1 : 0;
      const a = arms[arm];
      a.sessions++;
      if (random() < m.recur[i]) a.recurred++;
      if (random() < m.fail[i]) a.failed++;
      // What the tenant would see after each session (the dream recomputes it as sessions arrive).
      if (s % 10 === 0 || s === sessions) {
        const e = efficacyOf(arms.served, arms.control);
        final = e.verdict;
        if (final === 'harms') everHarms = true;
        if (e.rollBack) rolledBackAt ??= s;
        if (final === RIGHT[kind]) settledAt ??= s;
        else if (final !== 'measuring') settledAt = undefined;
      }
    }
    rows.push({ kind, settledAt, final, everHarms, rolledBackAt });
  }
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  const quant = (xs: number[], q: number) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : NaN; };
  console.log(`${lessons} simulated lessons, ${sessions} sessions each, holdout ${holdout}; verdict checked every 10 sessions.\n`);
  console.log('| lesson | right verdict | right at the end | sessions to a right verdict that holds (p50 / p90) | wrong at the end |');
  console.log('|---|---|---|---|---|');
  let right = 0;
  for (const kind of ['useful', 'useless', 'harmful'] as const) {
    const of = rows.filter((r) => r.kind === kind);
    const ok = of.filter((r) => r.final === RIGHT[kind]);
    right += ok.length;
    const settled = of.flatMap((r) => (r.settledAt !== undefined && r.final === RIGHT[kind] ? [r.settledAt] : []));
    const wrong = of.filter((r) => r.final !== RIGHT[kind]).reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.final]: (acc[r.final] ?? 0) + 1 }), {});
    console.log(`| ${kind} | ${RIGHT[kind]} | ${ok.length}/${of.length} (${pct(ok.length / of.length)}) | ${quant(settled, 0.5)} / ${quant(settled, 0.9)} | ${Object.entries(wrong).map(([v, n]) => `${n} ${v}`).join(', ') || 'none'} |`);
  }
  const flagged = rows.filter((r) => r.kind === 'useful' && r.everHarms).length;
  const rolledBack = (kind: Kind) => rows.filter((r) => r.kind === kind && r.rolledBackAt !== undefined);
  const harmfulBack = rolledBack('harmful').map((r) => r.rolledBackAt as number);
  console.log(`\nRight verdict at ${sessions} sessions: ${right}/${rows.length} (${pct(right / rows.length)}), target ≥ 95 %.`);
  console.log(`Automatic rollback (harms with p < ${'0.001'} on ≥ 30 sessions each side): ${rolledBack('useful').length} useful and ${rolledBack('useless').length} useless lesson(s) withdrawn (target: no useful one); ${harmfulBack.length}/${rows.filter((r) => r.kind === 'harmful').length} harmful ones, p50 after ${quant(harmfulBack, 0.5)} sessions.`);
  console.log(`Useful lessons flagged "harms" at some look before the end (a reviewer sees the flag; nothing is withdrawn): ${flagged}.`);
}

main();

/**
 * The pure dream pipeline, timed per phase, shared by run.ts (pure throughput at several sizes)
 * and service.ts (the same pipeline next to a dream through the running services). The phases
 * are the ones the dream runner logs: `signals` (extractSignals per session), `mining`
 * (planDream: miners, scoring, dedup) and `writer` (the template writer over the proposals).
 * `baseline` only iterates the events and JSON-serializes them; generating the synthetic events
 * is timed apart (`generate`) and excluded from everything else.
 */
import type { SessionEvent } from '@reverie/contracts';
import { extractSignals, planDream, templateWriter, type SessionSignals } from '@reverie/dreaming-domain';

export interface PipelineMeasure {
  sessions: number;
  events: number;
  generateMs: number;
  baselineMs: number;
  /** extractSignals over every session. */
  extractMs: number;
  /** planDream over every session's signals. */
  planMs: number;
  /** The template writer over the proposed candidates. */
  writerMs: number;
  /** extract + plan (what run.ts has always called the dream). */
  dreamMs: number;
  candidates: number;
  proposals: number;
}

const ms = (ns: bigint) => Number(ns / 1000n) / 1000;

/** Runs the pure pipeline over sessions 0 … count-1 of `sessionAt`. */
export async function measurePipeline(count: number, sessionAt: (index: number) => SessionEvent[]): Promise<PipelineMeasure> {
  const signals: SessionSignals[] = [];
  let generate = 0n, baseline = 0n, extract = 0n, events = 0, bytes = 0;
  for (let i = 0; i < count; i++) {
    const t0 = process.hrtime.bigint();
    const evs = sessionAt(i);
    const t1 = process.hrtime.bigint();
    for (const e of evs) bytes += JSON.stringify(e).length;
    const t2 = process.hrtime.bigint();
    signals.push(extractSignals(evs));
    const t3 = process.hrtime.bigint();
    generate += t1 - t0; baseline += t2 - t1; extract += t3 - t2; events += evs.length;
  }
  if (bytes === 0) throw new Error('baseline serialized nothing');
  const t4 = process.hrtime.bigint();
  const plan = planDream({ signals });
  const t5 = process.hrtime.bigint();
  const proposals = plan.decisions.flatMap((d) => (d.action === 'propose' ? [d.candidate] : []));
  if (proposals.length) await templateWriter.write(proposals, {});
  const t6 = process.hrtime.bigint();
  return {
    sessions: count, events, generateMs: ms(generate), baselineMs: ms(baseline), extractMs: ms(extract), planMs: ms(t5 - t4),
    writerMs: ms(t6 - t5), dreamMs: ms(extract + (t5 - t4)), candidates: plan.candidates.length, proposals: proposals.length,
  };
}

/**
 * LLM cost of a dream: tokens the Claude writer sends for the candidates of a dream, against the
 * naive baseline of sending every failed transcript to the model, over synthetic corpora of
 * growing size. The real @anthropic-ai/sdk talks to the local fake Messages API server (the one the
 * tests use), which charges input tokens as request characters / 4 — the same estimate the
 * baseline uses, so the two columns are comparable.
 *
 *   npm run build && node dist/bench/dream-tokens/run.js [--sizes 500,2000,8000] [--seed 3]
 */
import type { SessionEvent } from '@reverie/contracts';
import { createSyntheticCorpus, extractSignals, planDream, templateWriter } from '@reverie/dreaming-domain';
import { createClaudeWriter, estimateNaiveTokens } from '@reverie/synthesis';
import { startFakeAnthropic } from '../../libs/synthesis/src/testing/fake-anthropic.server';
import { intListArg } from '../bench-args';


function failed(events: SessionEvent[]): boolean {
  return events.some((e) => (e.type === 'SessionEnded' && e.data.outcome === 'failure') || (e.type === 'ToolResultRecorded' && e.data.isError));
}

async function main(): Promise<void> {
  const sizes = intListArg('sizes', [500, 2000, 8000]);
  const seed = intListArg('seed', [3])[0];
  const server = await startFakeAnthropic();
  const rows: Record<string, number>[] = [];
  try {
    for (const sessions of sizes) {
      const corpus = createSyntheticCorpus({ seed, sessions });
      const signals = [];
      let failedChars = 0;
      let failedSessions = 0;
      for (let i = 0; i < sessions; i++) {
        const events = corpus.session(i);
        signals.push(extractSignals(events));
        if (failed(events)) {
          failedSessions++;
          failedChars += JSON.stringify(events).length;
        }
      }
      const plan = planDream({ signals, existing: [] });
      const candidates = plan.decisions.filter((d) => d.action === 'propose').map((d) => d.candidate);
      const before = server.processed.length;
      const writer = createClaudeWriter({ apiKey: 'bench-key', baseURL: server.url, tokenBudget: 10_000_000, maxRetries: 2 }, templateWriter);
      const written = await writer.write(candidates, {});
      const requests = server.processed.length - before;
      const used = written.tokens.input + written.tokens.output;
      const naive = estimateNaiveTokens(failedChars);
      if (requests === 0) console.error(`sessions ${sessions}: writer ${written.writer}; ${written.notes.join(" | ")}`);
      rows.push({ sessions, failedSessions, candidates: candidates.length, requests, tokensIn: written.tokens.input, tokensOut: written.tokens.output, naiveTokens: naive, ratio: Math.round((naive / Math.max(1, used)) * 10) / 10 });
    }
  } finally {
    await server.close();
  }
  console.log('| sessions | failed sessions | candidates | requests | tokens in | tokens out | naive tokens (every failed transcript) | naive ÷ used |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.sessions} | ${r.failedSessions} | ${r.candidates} | ${r.requests} | ${r.tokensIn} | ${r.tokensOut} | ${r.naiveTokens} | ${r.ratio}x |`);
  console.log(JSON.stringify({ bench: 'dream-tokens', seed, rows }));
}

main().catch((err) => { console.error(err); process.exit(1); });

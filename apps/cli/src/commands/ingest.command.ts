import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { IngestResult, SessionEvent } from '@reverie/contracts';
import { importContent, indexClaudeCodeLines, readSweBenchReport, type KnownOutcome } from '@reverie/importers';
import { createIngestClient, WHOAMI_ROUTE, type WhoAmI } from '@reverie/ingest-client';
import type { CliConfig } from '../cli-config';
import { callService, CliError, requireApiKey } from '../http';
import type { Output } from '../output';
import { walkFiles } from './file-walk';
import { createProgress } from './progress';

export const FORMATS = ['auto', 'claude-code', 'anthropic', 'openai', 'tau-bench', 'tau2', 'swe-agent', 'otel', 'specstory', 'mini-swe-agent'] as const;

export interface IngestSummary {
  files: number;
  /** SWE-bench evaluation reports among the files: they decide the outcome of the trajectories, they are not sessions. */
  reports: number;
  sessions: number;
  events: number;
  accepted: number;
  duplicates: number;
  toolErrors: number;
  redactions: Record<string, number>;
  rejected: { file: string; line?: number; index?: number; reason: string }[];
  formats: Record<string, number>;
  seconds: number;
  eventsPerSecond: number;
}

/** Imports agent logs (files or directories) and sends their events to session-ingest. */
export async function ingestCommand(config: CliConfig, out: Output, paths: string[], opts: { format?: string; agent?: string; user?: string; batch?: string }): Promise<number> {
  const format = (opts.format ?? 'auto') as (typeof FORMATS)[number];
  if (!FORMATS.includes(format)) throw new CliError(`--format must be one of ${FORMATS.join(', ')}; got "${opts.format}"`);
  const files = await walkFiles(paths).catch((err: Error) => { throw new CliError(err.message); });
  if (!files.length) throw new CliError(`no importable files (.jsonl, .json, .traj, .specstory/history/*.md) under ${paths.join(', ')}`);
  const apiKey = requireApiKey(config);
  // The tenant is the key's, as session-ingest verifies it: asked first, so a bad key fails before any file is read, and the
  // imported events get the same ids (derived from the tenant) as on any earlier import into that tenant.
  const { tenantId } = await callService<WhoAmI>(config, 'session-ingest', WHOAMI_ROUTE);

  const { outcomes, reports, logs } = await splitReports(files);
  const summary: IngestSummary = { files: files.length, reports, sessions: 0, events: 0, accepted: 0, duplicates: 0, toolErrors: 0, redactions: {}, rejected: [], formats: {}, seconds: 0, eventsPerSecond: 0 };
  const events: SessionEvent[] = [];
  const origin: string[] = [];
  // Every Claude Code line's owner first, so that a continued or resumed session names the one it continues.
  const lineOwners = new Map<string, string>();
  for (const file of logs) if (file.endsWith('.jsonl')) indexClaudeCodeLines(path.basename(file), await readFile(file, 'utf8').catch(() => ''), lineOwners);
  for (const file of logs) {
    try {
      const result = importContent(path.basename(file), await readFile(file, 'utf8'), { tenantId, agentId: opts.agent, userId: opts.user, format, outcomes, lineOwners });
      summary.formats[result.format] = (summary.formats[result.format] ?? 0) + 1;
      summary.rejected.push(...result.rejected.map((r) => ({ ...r, file })));
      for (const s of result.sessions) {
        summary.sessions++;
        summary.toolErrors += s.stats.toolErrors;
        events.push(...s.events);
        origin.push(...s.events.map(() => file));
      }
    } catch (err) {
      summary.rejected.push({ file, reason: (err as Error).message });
    }
  }
  summary.events = events.length;

  const client = createIngestClient({ transport: 'http', baseUrl: config.urls['session-ingest'], apiKey });
  const batchSize = Number(opts.batch ?? 500);
  const progress = createProgress(events.length, !out.json && process.stderr.isTTY === true && events.length > 2000);
  try {
    for (let i = 0; i < events.length; i += batchSize) {
      const batch = events.slice(i, i + batchSize);
      const r: IngestResult = await client.sendBatch(batch);
      summary.accepted += r.accepted;
      summary.duplicates += r.duplicates;
      for (const [k, v] of Object.entries(r.redactions ?? {})) summary.redactions[k] = (summary.redactions[k] ?? 0) + v;
      summary.rejected.push(...r.rejected.map((x) => ({ file: origin[i + x.index], index: i + x.index, reason: x.reason })));
      progress.update(Math.min(events.length, i + batchSize));
    }
  } catch (err) {
    throw new CliError(`sending events to session-ingest at ${config.urls['session-ingest']} failed: ${(err as Error).message}`);
  } finally {
    progress.finish();
    await client.close?.();
  }
  summary.seconds = progress.seconds();
  summary.eventsPerSecond = Math.round(events.length / Math.max(summary.seconds, 0.001));

  out.result(summary, () => {
    const red = Object.entries(summary.redactions);
    return [
      `Imported ${summary.files} file(s) (${Object.entries(summary.formats).map(([f, n]) => `${n} ${f}`).join(', ') || 'none'}):`,
      ...(summary.reports ? [`  reports      ${summary.reports} SWE-bench evaluation report(s) giving ${Object.keys(outcomes).length} outcome(s)`] : []),
      `  sessions     ${summary.sessions}`,
      `  events       ${summary.events} (${summary.accepted} new, ${summary.duplicates} already ingested) in ${summary.seconds.toFixed(1)} s, ${summary.eventsPerSecond} ev/s`,
      `  tool errors  ${summary.toolErrors}`,
      `  redactions   ${red.length ? red.map(([k, v]) => `${v} ${k}`).join(', ') : 'none'}`,
      `  rejected     ${summary.rejected.length}`,
      ...summary.rejected.slice(0, 20).map((r) => `    ${r.file}${r.line ? `:${r.line}` : ''}${r.index !== undefined ? ` (event ${r.index})` : ''}: ${r.reason}`),
      ...(summary.rejected.length > 20 ? [`    … and ${summary.rejected.length - 20} more (see --json)`] : []),
    ].join('\n');
  });
  return 0;
}

const MAX_REPORT_BYTES = 5 * 1024 * 1024;

/**
 * SWE-bench evaluation reports given along with trajectories (a run folder's `reports/*.report.json`,
 * `results_summary.json`, the harness's run report): their resolved flags become the outcomes of
 * the mini-swe-agent sessions, an instance's own report winning over a run summary. Every other
 * file is a log to import. Only small `.json` files that are not trajectories are read here.
 */
async function splitReports(files: string[]): Promise<{ outcomes: Record<string, KnownOutcome>; reports: number; logs: string[] }> {
  const run: Record<string, KnownOutcome> = {};
  const instance: Record<string, KnownOutcome> = {};
  const logs: string[] = [];
  let reports = 0;
  for (const file of files) {
    const candidate = /\.json$/i.test(file) && !/\.traj\.json$/i.test(file) && (await stat(file).then((s) => s.size <= MAX_REPORT_BYTES, () => false));
    const report = candidate ? readSweBenchReport(file, await readFile(file, 'utf8').catch(() => '')) : undefined;
    if (!report) {
      logs.push(file);
      continue;
    }
    reports++;
    Object.assign(report.scope === 'instance' ? instance : run, report.outcomes);
  }
  return { outcomes: { ...run, ...instance }, reports, logs };
}

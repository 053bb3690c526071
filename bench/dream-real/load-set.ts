import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { detectFormat, importContent, indexClaudeCodeLines, readSweBenchReport, type ImportedSession, type ImportFormat } from '@reverie/importers';

export interface LoadedSet {
  name: string;
  sessions: ImportedSession[];
  /** Files of the set the importers do not read (READMEs, indexes, reports), with why. */
  skipped: Array<{ file: string; reason: string }>;
  rejected: number;
}

const IMPORT_NOW = '2026-03-01T12:00:00.000Z';

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

/**
 * Every file of a set folder through the real importers, auto-detected as a user's
 * `reverie ingest <folder>` would; files detected as another format than the set's are skipped.
 */
export function loadSet(dir: string, name: string, format: ImportFormat, tenantId = name.replace(/[^\w-]/g, '-')): LoadedSet {
  const sessions: ImportedSession[] = [];
  const skipped: LoadedSet['skipped'] = [];
  let rejected = 0;
  // SWE-bench reports next to the trajectories give their outcomes, as `reverie ingest` reads them (an instance's own report wins).
  const outcomes: Record<string, NonNullable<ReturnType<typeof readSweBenchReport>>['outcomes'][string]> = {};
  // Claude Code lines of every transcript, so a continued session names the one it continues (as `reverie ingest` does).
  const lineOwners = new Map<string, string>();
  for (const file of filesUnder(dir)) if (file.endsWith('.jsonl')) indexClaudeCodeLines(relative(dir, file), readFileSync(file, 'utf8'), lineOwners);
  for (const file of filesUnder(dir)) {
    const report = /\.json$/.test(file) ? readSweBenchReport(relative(dir, file), readFileSync(file, 'utf8')) : undefined;
    if (report?.scope === 'instance') Object.assign(outcomes, report.outcomes);
  }
  for (const file of filesUnder(dir)) {
    const rel = relative(dir, file);
    const content = readFileSync(file, 'utf8');
    const detected = detectFormat(rel, content);
    if (detected !== format) {
      skipped.push({ file: rel, reason: detected ? `detected as ${detected}` : 'not a session log' });
      continue;
    }
    const result = importContent(rel, content, { tenantId, now: IMPORT_NOW, outcomes, lineOwners });
    sessions.push(...result.sessions);
    rejected += result.rejected.length;
  }
  return { name, sessions, skipped, rejected };
}

import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { ROUTES, SUBJECT_TOKEN, type LessonView } from '@reverie/contracts';
import type { CliConfig } from '../cli-config';
import { callService, CliError } from '../http';
import type { Output } from '../output';
import { EXPORT_FORMATS, markdownSection, systemPromptBlock, withSection, type ExportedLesson, type ExportFormat } from './lesson-export';
import { syncMemoryStore } from './memory-store-sync';

export interface ExportLessonsOptions { format?: string; file?: string; agent?: string; memoryStore?: string }

/** The lessons agents are served to all (active; a canary is for a share of sessions, not a file), for one agent or all. */
export async function activeLessons(config: CliConfig, agentId?: string): Promise<ExportedLesson[]> {
  // A served lesson whose revision is in review is still served its live version.
  const views = [
    ...await callService<LessonView[]>(config, 'lesson-governance', `${ROUTES.lessons}?status=active&limit=500`),
    ...await callService<LessonView[]>(config, 'lesson-governance', `${ROUTES.lessons}?status=in-review&limit=500`),
  ];
  return views
    .filter((v) => v.live?.stage === 'active' && (!agentId || !v.scope.agentId || v.scope.agentId === agentId))
    .map((v) => {
      const live = v.live as NonNullable<LessonView['live']>;
      const approvedBy = v.approvers?.length ? v.approvers.join(', ') : v.decidedBy;
      return { id: v.id, kind: v.kind, text: live.text, version: live.version, ...(v.scope.agentId && { agentId: v.scope.agentId }), ...(approvedBy && { approvedBy }), sessions: v.support.sessions };
    });
}

async function writeAtomically(file: string, text: string): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.reverie-${process.pid}.tmp`);
  await writeFile(tmp, text, 'utf8');
  await rename(tmp, file);
}

/**
 * `reverie export lessons --format …`: the active lessons into a marked section of CLAUDE.md or
 * AGENTS.md (the rest of the file untouched, unchanged lessons write nothing), as a system-prompt
 * block or JSON, or synced into an Anthropic Managed Agents memory store.
 */
export async function exportLessonsCommand(config: CliConfig, out: Output, opts: ExportLessonsOptions): Promise<number> {
  const format = (opts.format ?? 'claude-md') as ExportFormat;
  if (!EXPORT_FORMATS.includes(format)) throw new CliError(`--format must be one of ${EXPORT_FORMATS.join(', ')}; got "${opts.format}"`);
  if (opts.agent !== undefined && !SUBJECT_TOKEN.test(opts.agent)) throw new CliError(`--agent: "${opts.agent}" is not an agent id`);
  const lessons = await activeLessons(config, opts.agent);
  if (format === 'claude-md' || format === 'agents-md') {
    const file = path.resolve(opts.file ?? (format === 'claude-md' ? 'CLAUDE.md' : 'AGENTS.md'));
    const before = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return '';
      throw new CliError(`cannot read ${file}: ${err.message}`);
    });
    let after: string;
    try { after = withSection(before, markdownSection(lessons, opts.agent)); } catch (err) { throw new CliError(`${file}: ${(err as Error).message}`); }
    const changed = after !== before;
    if (changed) await writeAtomically(file, after);
    out.result({ file, lessons: lessons.length, changed }, () => (changed ? `Wrote ${lessons.length} lesson(s) into the Reverie section of ${file}.` : `${file} already holds these ${lessons.length} lesson(s): nothing to change.`));
    return 0;
  }
  if (format === 'anthropic-memory-store') {
    if (!opts.memoryStore) throw new CliError('--memory-store <id> is required with --format anthropic-memory-store (and ANTHROPIC_API_KEY)');
    if (!process.env.ANTHROPIC_API_KEY) throw new CliError('ANTHROPIC_API_KEY is not set: the memory store is reached through Anthropic\'s API');
    const counts = await syncMemoryStore(new Anthropic(), opts.memoryStore, lessons).catch((err: Error) => { throw new CliError(`syncing memory store ${opts.memoryStore}: ${err.message}`); });
    out.result({ memoryStore: opts.memoryStore, lessons: lessons.length, ...counts }, () =>
      `Memory store ${opts.memoryStore}: ${counts.created} created, ${counts.updated} updated, ${counts.removed} removed, ${counts.unchanged} unchanged (${lessons.length} active lesson(s) and the index).`);
    return 0;
  }
  const text = format === 'system-prompt' ? `${systemPromptBlock(lessons)}\n` : `${JSON.stringify(lessons, null, 2)}\n`;
  if (opts.file) {
    await writeAtomically(path.resolve(opts.file), text);
    out.result({ file: path.resolve(opts.file), lessons: lessons.length }, () => `Wrote ${lessons.length} lesson(s) to ${opts.file}.`);
  } else {
    process.stdout.write(text);
  }
  return 0;
}

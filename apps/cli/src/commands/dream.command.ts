import { ROUTES, type DreamView, type LessonView } from '@reverie/contracts';
import type { CliConfig } from '../cli-config';
import { callService, CliError } from '../http';
import type { Output } from '../output';
import { renderLesson } from './lessons.command';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Requests a dream; with --wait, follows it to the end and prints its proposals with their support. */
export async function dreamCommand(config: CliConfig, out: Output, opts: { wait?: boolean; timeout?: string }): Promise<number> {
  const requested = await callService<DreamView>(config, 'dreaming', ROUTES.dreams, { body: { trigger: 'manual' } });
  if (!opts.wait) {
    out.result(requested, () => `Dream ${requested.id} requested. Follow it with \`reverie dream --wait\` or list proposals with \`reverie lessons list --status in-review\`.`);
    return 0;
  }
  out.note(`Dream ${requested.id} requested; waiting for it to finish…`);
  const deadline = Date.now() + Number(opts.timeout ?? 300) * 1000;
  let dream = requested;
  while (dream.status !== 'completed' && dream.status !== 'failed') {
    if (Date.now() > deadline) throw new CliError(`dream ${dream.id} still ${dream.status} after ${opts.timeout ?? 300} s`);
    await sleep(250);
    dream = await callService<DreamView>(config, 'dreaming', ROUTES.dream(requested.id));
  }
  const ids = [...dream.proposedLessonIds, ...dream.reinforcedLessonIds];
  const lessons = await fetchLessons(config, ids);
  const proposed = lessons.filter((l) => dream.proposedLessonIds.includes(l.id));
  const reinforced = lessons.filter((l) => dream.reinforcedLessonIds.includes(l.id));
  out.result({ dream, proposed, reinforced }, () => {
    if (dream.status === 'failed') return `Dream ${dream.id} failed: ${dream.error}`;
    const c = dream.counts ?? {};
    const lines = [
      `Dream ${dream.id} completed in ${((dream.durationMs ?? 0) / 1000).toFixed(1)} s: read ${c.windowSessions ?? 0} new session(s) (${c.windowEvents ?? 0} events), mined ${c.sessions ?? 0} session(s) in all; ${c.candidates ?? 0} candidate(s): ${c.proposed ?? 0} proposed, ${c.reinforced ?? 0} reinforced, ${c.reopened ?? 0} reopened, ${c.deferred ?? 0} deferred.`,
      `LLM tokens: ${dream.tokens?.input ?? 0} in / ${dream.tokens?.output ?? 0} out${c.naiveTokens ? ` (sending every failed transcript instead: ~${c.naiveTokens})` : ''}.`,
      '',
      proposed.length ? `${proposed.length} new lesson(s) proposed:\n\n${proposed.map(renderLesson).join('\n\n')}` : 'No new lessons proposed.',
    ];
    if (reinforced.length) lines.push('', `${reinforced.length} existing lesson(s) got new evidence: ${reinforced.map((l) => l.id).join(', ')}`);
    if (proposed.length) lines.push('', `Review them: \`reverie lessons approve <id>\` or \`reverie lessons reject <id> --reason "..."\`.`);
    return lines.join('\n');
  });
  return dream.status === 'failed' ? 1 : 0;
}

/** Governance projects LESSONS asynchronously: wait briefly for the views of just-proposed lessons. */
async function fetchLessons(config: CliConfig, ids: string[]): Promise<LessonView[]> {
  const found = new Map<string, LessonView>();
  const deadline = Date.now() + 10_000;
  while (found.size < ids.length && Date.now() < deadline) {
    for (const id of ids.filter((i) => !found.has(i))) {
      const view = await callService<LessonView>(config, 'lesson-governance', ROUTES.lesson(id)).catch(() => undefined);
      if (view) found.set(id, view);
    }
    if (found.size < ids.length) await sleep(200);
  }
  return ids.map((id) => found.get(id)).filter((v): v is LessonView => !!v);
}

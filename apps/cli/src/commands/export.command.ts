import { writeFile } from 'node:fs/promises';
import { ROUTES, type LessonView } from '@reverie/contracts';
import type { CliConfig } from '../cli-config';
import { callService, CliError } from '../http';
import type { Output } from '../output';

interface UserExport { user: { asked: string; stored: string; token?: string }; sessions: { sessionId: string; events: unknown[] }[] }

/**
 * Everything Reverie holds about a user (admin): their sessions (opened), the lessons whose
 * support cites them or their sessions, and what was served to their sessions; as one JSON
 * document, to standard output or `--out <file>`.
 */
export async function exportCommand(config: CliConfig, out: Output, opts: { user?: string; out?: string }): Promise<void> {
  if (!opts.user) throw new CliError('--user is required: the user id as your agents send it');
  const held = await callService<UserExport>(config, 'session-ingest', '/v1/admin/exports', { body: { user: opts.user } });
  const sessionIds = new Set(held.sessions.map((s) => s.sessionId));
  const lessons = (await callService<LessonView[]>(config, 'lesson-governance', `${ROUTES.lessons}?limit=500`))
    .filter((l) => (l.support.provenance ?? []).some((p) => sessionIds.has(p.sessionId) || (held.user.token !== undefined && (p.userIds ?? []).includes(held.user.token))));
  const servings = sessionIds.size
    ? await callService<unknown[]>(config, 'agent-serving', `/v1/admin/servings?sessions=${encodeURIComponent([...sessionIds].join(','))}`)
    : [];
  const document = { exportedAt: new Date().toISOString(), user: held.user, sessions: held.sessions, lessons, servings };
  if (opts.out) {
    await writeFile(opts.out, `${JSON.stringify(document, null, 2)}\n`, { mode: 0o600 });
    out.result({ file: opts.out, sessions: held.sessions.length, lessons: lessons.length, servings: servings.length }, () => `Wrote ${opts.out}: ${held.sessions.length} session(s), ${lessons.length} lesson(s) citing them, ${servings.length} serving(s) to them.`);
  } else {
    process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
  }
}

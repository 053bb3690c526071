import type { CliConfig } from '../cli-config';
import { callService, CliError } from '../http';
import { table, type Output } from '../output';

/** The erasures API on session-ingest (its shapes are session-ingest's; repeated here as the CLI reads them). */
export const ADMIN_ERASURES_ROUTE = '/v1/admin/erasures';

interface Count { sessions: number; users: number; credentials: number }
interface ErasureResult {
  erasureId: string;
  scope: { users: number; sessions: number };
  artifacts: Record<string, number>;
  lessons: { lessonId: string; action: string; status: string; before: Count; after: Count }[];
}

/** Erases users or sessions (admin): their data keys shredded, what was derived from them purged or recounted. */
export async function eraseCommand(config: CliConfig, out: Output, opts: { user?: string[]; session?: string[]; reason?: string }): Promise<void> {
  if (!opts.user?.length && !opts.session?.length) throw new CliError('name what to erase: --user <id> or --session <id> (each may be repeated)');
  if (!opts.reason) throw new CliError('--reason is required: it is kept in the erasure record (which keeps no user or session id)');
  const result = await callService<ErasureResult>(config, 'session-ingest', ADMIN_ERASURES_ROUTE, {
    body: { ...(opts.user && { users: opts.user }), ...(opts.session && { sessions: opts.session }), reason: opts.reason },
  });
  out.result(result, () => [
    `Erasure ${result.erasureId}: ${result.scope.sessions} session(s) of ${result.scope.users} user(s) named; ${Object.entries(result.artifacts).map(([k, v]) => `${k} ${v}`).join(', ')}.`,
    'Their content in the log is ciphertext without a key now; the erasure record keeps no user or session id.',
    result.lessons.length
      ? table(result.lessons.map((l) => [l.lessonId, l.action, l.status, `${l.before.sessions} → ${l.after.sessions}`]), ['lesson', 'what happened', 'status', 'sessions'])
      : 'No lesson rested on them.',
  ].join('\n'));
}

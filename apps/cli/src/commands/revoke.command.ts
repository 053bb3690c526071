import type { CliConfig } from '../cli-config';
import { callService, CliError } from '../http';
import { table, type Output } from '../output';

/** The revocations API on lesson-governance (its shapes are lesson-governance's; repeated here as the CLI reads them). */
export const ADMIN_REVOCATIONS_ROUTE = '/v1/admin/revocations';

interface Count { sessions: number; users: number; credentials: number }
export interface RevocationResult {
  revocationId: string;
  sources: { kind: string; id: string }[];
  reason: string;
  lessons: { lessonId: string; fingerprint: string; action: string; status: string; before: Count; after: Count }[];
}

const ACTION: Record<string, string> = {
  'rolled-back': 'withdrawn (not enough support left)',
  'back-to-review': 'withdrawn, back in review (enough support left)',
  rejected: 'rejected (not enough support left)',
  'support-reduced': 'support reduced',
};
const count = (c: Count) => `${c.sessions} sessions, ${c.users} users, ${c.credentials} credentials`;

/** Quarantines sessions, users or keys and withdraws what they supported, in one action (approver or admin). */
export async function revokeCommand(config: CliConfig, out: Output, opts: { session?: string[]; user?: string[]; key?: string[]; reason?: string }): Promise<void> {
  if (!opts.session?.length && !opts.user?.length && !opts.key?.length) throw new CliError('name what to revoke: --session <id>, --user <id> or --key <keyId> (each may be repeated)');
  if (!opts.reason) throw new CliError('--reason is required: it is kept in the audit record');
  const result = await callService<RevocationResult>(config, 'lesson-governance', ADMIN_REVOCATIONS_ROUTE, {
    body: { ...(opts.session && { sessions: opts.session }), ...(opts.user && { users: opts.user }), ...(opts.key && { keys: opts.key }), reason: opts.reason },
  });
  out.result(result, () => [
    `Revocation ${result.revocationId}: quarantined ${result.sources.map((s) => `${s.kind} ${s.id}`).join(', ')}; later dreams leave them out.`,
    result.lessons.length
      ? table(result.lessons.map((l) => [l.lessonId, ACTION[l.action] ?? l.action, l.status, count(l.before), count(l.after)]), ['lesson', 'what happened', 'status', 'support before', 'support after'])
      : 'No lesson rested on them.',
  ].join('\n'));
}

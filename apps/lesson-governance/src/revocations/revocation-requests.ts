import { z } from 'zod';

/** Where revocations are made and listed (lesson-governance). */
export const ADMIN_REVOCATIONS_ROUTE = '/v1/admin/revocations';

const ids = (what: string) => z.array(z.string({ error: `expected ${what} (strings)` }).min(1).max(256), { error: `expected an array of ${what}` }).max(100).optional();

/**
 * `POST /v1/admin/revocations`: the sources to quarantine (sessions, users as the sessions name them (their
 * id as ingested, a pseudonym for an e-mail address),
 * and ingesting credentials: an API key's id, or the actor id a credential ingests as) and why.
 */
export const revocationBody = z.strictObject({
  sessions: ids('session ids'),
  users: ids('user ids'),
  keys: ids('key ids or credential actor ids'),
  reason: z.string({ error: 'expected the reason (a string): it is kept in the audit record' }).trim().min(1, 'a reason is required').max(4000),
}, { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.join(', ')}: expected { sessions?, users?, keys?, reason }` : undefined) })
  .refine((b) => (b.sessions?.length ?? 0) + (b.users?.length ?? 0) + (b.keys?.length ?? 0) > 0, { message: 'name at least one session, user or key to revoke' });
export type RevocationBody = z.infer<typeof revocationBody>;

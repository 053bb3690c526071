import { z } from 'zod';

/** Where erasures are asked for (session-ingest, which owns the sessions and their keys). */
export const ADMIN_ERASURES_ROUTE = '/v1/admin/erasures';

const ids = (what: string, max: number) => z.array(z.string({ error: `expected ${what} (strings)` }).min(1).max(256), { error: `expected an array of ${what}` }).max(max).optional();

/** `POST /v1/admin/erasures`: the users (as the tenant knows them) and sessions to erase, and why. */
export const erasureBody = z.strictObject({
  users: ids('user ids', 100),
  sessions: ids('session ids', 10_000),
  reason: z.string({ error: 'expected the reason (a string): it is kept in the erasure record' }).trim().min(1, 'a reason is required').max(4000),
}, { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.join(', ')}: expected { users?, sessions?, reason }` : undefined) })
  .refine((b) => (b.users?.length ?? 0) + (b.sessions?.length ?? 0) > 0, { message: 'name at least one user or session to erase' });
export type ErasureBody = z.infer<typeof erasureBody>;

/**
 * What a credential may do. `ingest`: publish sessions; `agent`: be served lessons; `reviewer`:
 * read lessons and evidence, comment, reject; `approver`: approve, retire, roll back; `admin`:
 * keys, policies, erasure. Roles do not imply one another: a key gets each role it needs.
 */
export const ROLES = ['ingest', 'agent', 'reviewer', 'approver', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** `reviewer+approver` or `reviewer,approver` → roles; throws naming the first unknown one. */
export function parseRoles(spec: string, where: string): Role[] {
  const roles = spec.split(/[+,\s]+/).filter(Boolean);
  for (const r of roles) if (!isRole(r)) throw new Error(`${where}: unknown role "${r}"; expected some of ${ROLES.join(', ')}`);
  if (!roles.length) throw new Error(`${where}: at least one role is needed (${ROLES.join(', ')})`);
  return [...new Set(roles)] as Role[];
}

import { z } from 'zod';
import { ROLES, type ApiKeyRecord, type Role } from '@reverie/service-kit';

/** Where the keys admin API lives (lesson-governance). */
export const ADMIN_KEYS_ROUTE = '/v1/admin/keys';

/**
 * A key's name: its actor id is `key:<name>` on everything it causes, so it is short, plain and
 * unique in the tenant (see KeysController.create). `env-<n>` is the name the operator keys of
 * REVERIE_API_KEYS go by when they are not given one, so a stored key may not take one (nor a
 * name given to an operator key: see operatorKeyNames).
 */
export const KEY_NAME = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,99}$/;
const OPERATOR_KEY_NAME = /^env-\d+$/;

/**
 * The names the operator keys of `REVERIE_API_KEYS` act under (`key:tenant[:roles[:name]]`, else
 * `env-<position>`), as this service is configured: a stored key taking one would share its actor
 * id in the audit. Only names are read here; EnvKeyVerifier checks the entries.
 */
export function operatorKeyNames(spec: string | undefined): Set<string> {
  if (!spec?.trim()) return new Set();
  return new Set(spec.split(',').map((item, i) => item.trim().split(':')[3] || `env-${i + 1}`));
}

/**
 * `POST /v1/admin/keys`. Only a name and roles: the tenant is the admin's own and the creator
 * the admin's credential, so a body naming either is refused (400), never silently overridden.
 */
export const createKeyBody = z.strictObject({
  name: z
    .string({ error: 'expected the key name (a string)' })
    .regex(KEY_NAME, 'must be 1-100 characters of A-Z a-z 0-9 _ . @ -, starting with a letter or digit')
    .refine((n) => !OPERATOR_KEY_NAME.test(n), 'env-<n> is what the operator keys of REVERIE_API_KEYS are called; choose another name'),
  roles: z
    .array(z.enum(ROLES, { error: `expected one of ${ROLES.join(', ')}` }), { error: `expected an array of roles (${ROLES.join(', ')})` })
    .min(1, `at least one role is needed (${ROLES.join(', ')})`)
    .transform((roles) => [...new Set(roles)] as Role[]),
  owner: z
    .string({ error: 'expected the owner: the actor id of the person accountable for the key (e.g. their OIDC subject)' })
    .min(1, 'expected the owner: the actor id of the person accountable for the key (e.g. their OIDC subject)')
    .max(256, 'at most 256 characters')
    .refine((o) => !o.startsWith('key:'), 'a key is owned by a person, not by another key')
    .optional(),
  agent: z.string({ error: 'expected the agent id (a string)' }).regex(/^[A-Za-z0-9_-]{1,128}$/, 'an agent id is 1-128 characters of A-Z a-z 0-9 _ -').optional(),
  tenantId: z.never({ error: 'not accepted: a key belongs to the tenant of the admin who creates it' }).optional(),
  createdBy: z.never({ error: 'not accepted: the creator is the authenticated admin' }).optional(),
}, { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.join(', ')}: expected { name, roles, owner?, agent? }` : undefined) })
  .refine((b) => b.agent === undefined || (b.roles.length === 1 && b.roles[0] === 'agent'), { message: 'only a key with the agent role alone can be bound to an agent', path: ['agent'] });
export type CreateKeyBody = z.infer<typeof createKeyBody>;

export const keyIdParam = z.string().regex(/^[0-9a-f]{12}$/, 'a key id is 12 hexadecimal characters (the part after rvk_ in the key)');

/** What `POST /v1/admin/keys` answers: the token once, never again. */
export interface CreatedKey {
  keyId: string;
  /** `rvk_<keyId>_<secret>`: shown once; only its hash is stored. */
  token: string;
  tenantId: string;
  name: string;
  roles: Role[];
  owner?: string;
  agentId?: string;
  createdAt: string;
}

/** A key as the list and the revocation show it: no secret, no hash. */
export interface KeyView {
  keyId: string;
  tenantId: string;
  name: string;
  roles: Role[];
  status: 'active' | 'revoked';
  createdAt: string;
  createdBy: string;
  owner?: string;
  agentId?: string;
  revokedAt?: string;
  revokedBy?: string;
}

export function keyView(r: ApiKeyRecord): KeyView {
  return {
    keyId: r.keyId, tenantId: r.tenantId, name: r.name, roles: r.roles, status: r.revokedAt ? 'revoked' : 'active',
    createdAt: r.createdAt, createdBy: r.createdBy, ...(r.owner ? { owner: r.owner } : {}), ...(r.agentId ? { agentId: r.agentId } : {}),
    ...(r.revokedAt ? { revokedAt: r.revokedAt, revokedBy: r.revokedBy ?? '' } : {}),
  };
}

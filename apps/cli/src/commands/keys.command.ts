import type { CliConfig } from '../cli-config';
import { callService, CliError } from '../http';
import { table, type Output } from '../output';

/** The keys admin API on lesson-governance (its shapes are lesson-governance's; repeated here as the CLI reads them). */
export const ADMIN_KEYS_ROUTE = '/v1/admin/keys';

export interface CreatedKey { keyId: string; token: string; tenantId: string; name: string; roles: string[]; owner?: string; createdAt: string }
export interface KeyView {
  keyId: string; tenantId: string; name: string; roles: string[]; status: 'active' | 'revoked';
  createdAt: string; createdBy: string; owner?: string; revokedAt?: string; revokedBy?: string;
}

/** `reviewer,approver` or `reviewer+approver` → the roles; the service says which ones exist. */
export function parseRolesOption(spec: string | undefined): string[] {
  const roles = [...new Set((spec ?? '').split(/[\s,+]+/).filter(Boolean))];
  if (!roles.length) throw new CliError('--roles needs at least one role, e.g. --roles reviewer,approver (roles: ingest, agent, reviewer, approver, admin)');
  return roles;
}

/** Mints a key in the admin's tenant; its token is printed this once. */
export async function keysCreateCommand(config: CliConfig, out: Output, opts: { name?: string; roles?: string; owner?: string; agent?: string }): Promise<void> {
  if (!opts.name) throw new CliError('--name is required: what the key is for, e.g. --name ci-ingest (it is the key\'s actor in the audit)');
  const key = await callService<CreatedKey>(config, 'lesson-governance', ADMIN_KEYS_ROUTE, { body: { name: opts.name, roles: parseRolesOption(opts.roles), ...(opts.owner !== undefined && { owner: opts.owner }), ...(opts.agent !== undefined && { agent: opts.agent }) } });
  out.result(key, () => [
    `Created key ${key.keyId} "${key.name}" for tenant ${key.tenantId} with roles ${key.roles.join(', ')}${key.owner ? `, owned by ${key.owner}` : ''}:`,
    '',
    `  ${key.token}`,
    '',
    'Copy it now: it will not be shown again (only its hash is stored). Use it as REVERIE_API_KEY, in the x-api-key header,',
    `or save it with \`reverie login --key <key>\`. Revoke it with \`reverie keys revoke ${key.keyId}\`.`,
  ].join('\n'));
}

/** The keys of the admin's tenant, revoked ones included; never a secret. */
export async function keysListCommand(config: CliConfig, out: Output): Promise<void> {
  const keys = await callService<KeyView[]>(config, 'lesson-governance', ADMIN_KEYS_ROUTE);
  out.result(keys, () => keys.length
    ? table(keys.map((k) => [k.keyId, k.name, k.roles.join(','), k.status, k.createdAt, k.createdBy, k.owner ?? '', k.revokedAt ? `${k.revokedAt} by ${k.revokedBy}` : '']), ['key id', 'name', 'roles', 'status', 'created', 'by', 'owner', 'revoked'])
    : 'No API keys in this tenant yet (operator keys from REVERIE_API_KEYS are not listed). Create one with `reverie keys create --name <name> --roles <roles>`.');
}

/** Revokes a key of the admin's tenant; every service refuses it within a second. */
export async function keysRevokeCommand(config: CliConfig, out: Output, keyId: string): Promise<void> {
  const key = await callService<KeyView>(config, 'lesson-governance', `${ADMIN_KEYS_ROUTE}/${encodeURIComponent(keyId)}`, { method: 'DELETE' });
  out.result(key, () => `Revoked key ${key.keyId} "${key.name}" (${key.roles.join(', ')}) at ${key.revokedAt} by ${key.revokedBy}: every service refuses it within a second.`);
}

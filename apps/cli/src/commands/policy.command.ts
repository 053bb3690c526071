import type { CliConfig } from '../cli-config';
import { callService, CliError } from '../http';
import type { Output } from '../output';

/** The governance policy API on lesson-governance (its shapes are lesson-governance's; repeated here as the CLI reads them). */
export const ADMIN_POLICY_ROUTE = '/v1/admin/policy';

export interface TenantPolicy { tenantId: string; requiredApprovals: number; updatedAt?: string; updatedBy?: string }

const describe = (p: TenantPolicy) => [
  `Tenant ${p.tenantId}: a lesson needs ${p.requiredApprovals} distinct approver${p.requiredApprovals === 1 ? '' : 's'} before agents are served it`,
  'none of whom proposed it or ingested its evidence.',
  p.updatedAt ? `Set by ${p.updatedBy} at ${p.updatedAt}.` : 'These are the defaults: no admin has set a policy yet.',
].join(',\n');

export async function policyShowCommand(config: CliConfig, out: Output): Promise<void> {
  const policy = await callService<TenantPolicy>(config, 'lesson-governance', ADMIN_POLICY_ROUTE);
  out.result(policy, () => describe(policy));
}

/** Sets the policy of the admin's tenant (needs the admin role). */
export async function policySetCommand(config: CliConfig, out: Output, opts: { requiredApprovals?: string }): Promise<void> {
  const n = Number(opts.requiredApprovals);
  if (opts.requiredApprovals === undefined || !Number.isInteger(n)) {
    throw new CliError('--required-approvals needs a whole number, e.g. --required-approvals 2 for the two-person rule');
  }
  const policy = await callService<TenantPolicy>(config, 'lesson-governance', ADMIN_POLICY_ROUTE, { method: 'PUT', body: { requiredApprovals: n } });
  out.result(policy, () => describe(policy));
}

import { z } from 'zod';
import { MAX_REQUIRED_APPROVALS } from '@reverie/lesson-domain';

/** Where the tenant's governance policy is read and set (lesson-governance). */
export const ADMIN_POLICY_ROUTE = '/v1/admin/policy';

/** A tenant's governance policy: what every lesson decision of the tenant is held to. */
export interface TenantPolicy {
  tenantId: string;
  /** Distinct approvers a lesson needs before agents are served it (two-person rule: 2). */
  requiredApprovals: number;
  /** When and by whom the policy was last set; absent while the tenant runs on the defaults. */
  updatedAt?: string;
  updatedBy?: string;
}

export const defaultPolicy = (tenantId: string): TenantPolicy => ({ tenantId, requiredApprovals: 1 });

/** `PUT /v1/admin/policy`: the whole policy; the tenant and the author are the admin's credential's. */
export const setPolicyBody = z.strictObject({
  requiredApprovals: z
    .number({ error: `expected requiredApprovals: a whole number from 1 to ${MAX_REQUIRED_APPROVALS}` })
    .int('expected a whole number')
    .min(1, 'at least one approver')
    .max(MAX_REQUIRED_APPROVALS, `at most ${MAX_REQUIRED_APPROVALS} approvers`),
}, { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.join(', ')}: expected { requiredApprovals }` : undefined) });
export type SetPolicyBody = z.infer<typeof setPolicyBody>;

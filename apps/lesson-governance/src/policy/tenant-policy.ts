import { z } from 'zod';
import { DEFAULT_GUARDRAIL_POLICY, validateGuardrailPolicy, type GuardrailPolicy } from '@reverie/guardrails';
import { DEFAULT_REVIEW_AFTER_MS, MAX_REQUIRED_APPROVALS, type RolloutPolicy } from '@reverie/lesson-domain';

/** Where the tenant's governance policy is read and set (lesson-governance). */
export const ADMIN_POLICY_ROUTE = '/v1/admin/policy';

const HOUR_MS = 3600 * 1000;
const DAY_MS = 24 * HOUR_MS;

/** A tenant's governance policy: what every lesson decision of the tenant is held to. */
export interface TenantPolicy {
  tenantId: string;
  /** Distinct approvers a lesson needs before agents are served it (two-person rule: 2). */
  requiredApprovals: number;
  /** An approved lesson first goes to `canaryShare` of the sessions for `canaryPeriodHours`, then to all (share 0: to all at once). */
  rollout: { canaryShare: number; canaryPeriodHours: number };
  /** An approval holds this many days; then the lesson expires until it is reviewed again. */
  reviewAfterDays: number;
  /** The guardrails' allow- and deny-lists and extra rules. */
  guardrails: GuardrailPolicy;
  /** When and by whom the policy was last set; absent while the tenant runs on the defaults. */
  updatedAt?: string;
  updatedBy?: string;
}

/** What a tenant runs on until an admin sets its policy. */
export const defaultPolicy = (tenantId: string): TenantPolicy => ({
  tenantId,
  requiredApprovals: 1,
  rollout: { canaryShare: 0, canaryPeriodHours: 24 },
  reviewAfterDays: DEFAULT_REVIEW_AFTER_MS / DAY_MS,
  guardrails: DEFAULT_GUARDRAIL_POLICY,
});

/** The rollout the lesson decider applies on approval, from the tenant's policy. */
export const rolloutOf = (p: TenantPolicy): RolloutPolicy => ({
  canaryShare: p.rollout.canaryShare,
  canaryPeriodMs: Math.round(p.rollout.canaryPeriodHours * HOUR_MS),
  reviewAfterMs: Math.round(p.reviewAfterDays * DAY_MS),
});

const guardrails = z.unknown().transform((input, ctx) => {
  try {
    return validateGuardrailPolicy(input);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
});

/**
 * `PATCH /v1/admin/policy`: the fields given are set, the others kept. The tenant and the author
 * are the admin's credential's.
 */
export const policyPatchBody = z.strictObject({
  requiredApprovals: z
    .number({ error: `expected requiredApprovals: a whole number from 1 to ${MAX_REQUIRED_APPROVALS}` })
    .int('expected a whole number')
    .min(1, 'at least one approver')
    .max(MAX_REQUIRED_APPROVALS, `at most ${MAX_REQUIRED_APPROVALS} approvers`)
    .optional(),
  rollout: z.strictObject({
    canaryShare: z.number({ error: 'expected a share from 0 to 1 (0: no canary)' }).min(0).max(1),
    canaryPeriodHours: z.number({ error: 'expected hours (more than 0)' }).gt(0).max(24 * 365),
  }).optional(),
  reviewAfterDays: z.number({ error: 'expected days (more than 0)' }).gt(0).max(3650).optional(),
  guardrails: guardrails.optional(),
  tenantId: z.never({ error: 'not accepted: the policy is the tenant of the admin who sets it' }).optional(),
}, { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.join(', ')}: expected requiredApprovals, rollout, reviewAfterDays, guardrails` : undefined) });
export type PolicyPatch = z.infer<typeof policyPatchBody>;

/** `POST /v1/admin/policy/test`: a text to check against the tenant's guardrails, nothing recorded. */
export const policyTestBody = z.strictObject({
  text: z.string({ error: 'expected the text to check (a string)' }).min(1, 'the text is empty').max(4000, 'at most 4000 characters'),
  rationale: z.string().max(4000).optional(),
});

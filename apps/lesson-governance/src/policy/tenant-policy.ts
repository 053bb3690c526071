import { z } from 'zod';
import { DEFAULT_GUARDRAIL_POLICY, validateGuardrailPolicy, type GuardrailPolicy } from '@reverie/guardrails';
import { DEFAULT_DRIFT_CAPS, DEFAULT_REVIEW_AFTER_MS, MAX_REQUIRED_APPROVALS, type CorroborationRule, type DriftCaps, type RolloutPolicy, type TenantState } from '@reverie/lesson-domain';

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
  /**
   * What a lesson's support must show to be proposed and to stay after a revocation: independent
   * sessions, and independent sources per kind, counted as users (as the ingesting credentials
   * asserted them), as credentials, or as the smaller of the two (`both`, the default: one key
   * inventing user ids counts once).
   */
  corroboration: CorroborationRule;
  /** Bounded drift: how much the served lessons may change per dream and per day, for the tenant and for each agent. */
  drift: DriftCaps;
  /**
   * What happens to a lesson measured harmful beyond doubt (served sessions fail more: see
   * dreaming-domain's `efficacyOf`): `never` (the default) only shows the verdict to reviewers;
   * `harmful` withdraws it to review automatically.
   */
  efficacy: { autoRollback: 'never' | 'harmful' };
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
  corroboration: { counts: 'both', minSessions: 2, minIndependent: { mistake: 1, workflow: 1, preference: 2 } },
  drift: DEFAULT_DRIFT_CAPS,
  efficacy: { autoRollback: 'never' },
});

/** The policy the tenant's aggregate holds, completed with the defaults for what it does not say. */
export function policyOf(tenantId: string, state: TenantState): TenantPolicy {
  const defaults = defaultPolicy(tenantId);
  if (!state.policy) return defaults;
  const stored = storedPolicySchema.parse(state.policy);
  return { ...defaults, ...stored, tenantId, updatedAt: state.policySetAt, updatedBy: state.policySetBy };
}

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

const corroboration = z.strictObject({
  counts: z.enum(['users', 'credentials', 'both'], { error: 'expected users, credentials or both' }),
  minSessions: z.number().int().min(1).max(1000),
  minIndependent: z.strictObject({ mistake: z.number().int().min(1).max(100), workflow: z.number().int().min(1).max(100), preference: z.number().int().min(1).max(100) }),
});

const count = z.number().int().min(1).max(100_000);
const drift = z.strictObject({
  maxProposalsPerDream: count, maxApprovalsPerDay: count, maxRetirementsPerDay: count, maxActiveChangesPerDay: count,
  maxActiveShareChangedPerDay: z.number().gt(0).max(1), shareFloor: count,
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
  corroboration: corroboration.optional(),
  drift: drift.optional(),
  efficacy: z.strictObject({ autoRollback: z.enum(['never', 'harmful'], { error: 'expected never or harmful' }) }).optional(),
  tenantId: z.never({ error: 'not accepted: the policy is the tenant of the admin who sets it' }).optional(),
}, { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.join(', ')}: expected requiredApprovals, rollout, reviewAfterDays, guardrails, corroboration, drift, efficacy` : undefined) });
export type PolicyPatch = z.infer<typeof policyPatchBody>;

/** A policy as TenantPolicySet stores it (validated when it was set; parsed again when read). */
const storedPolicySchema = policyPatchBody.omit({ tenantId: true }).partial();

/** `POST /v1/admin/policy/test`: a text to check against the tenant's guardrails, nothing recorded. */
export const policyTestBody = z.strictObject({
  text: z.string({ error: 'expected the text to check (a string)' }).min(1, 'the text is empty').max(4000, 'at most 4000 characters'),
  rationale: z.string().max(4000).optional(),
});

import { readFile } from 'node:fs/promises';
import { ROUTES } from '@reverie/contracts';
import type { CliConfig } from '../cli-config';
import { callService, CliError } from '../http';
import type { Output } from '../output';

/** The policy as lesson-governance answers it (its shape is lesson-governance's; repeated here as the CLI reads it). */
export interface TenantPolicy {
  tenantId: string;
  requiredApprovals: number;
  rollout: { canaryShare: number; canaryPeriodHours: number };
  reviewAfterDays: number;
  guardrails: { allow: { hosts: string[]; emails: string[]; paths: string[] }; deny: string[]; rules: { name: string; pattern: string }[]; workspaceRoots?: string[] };
  corroboration: { counts: string; minSessions: number; minIndependent: Record<string, number> };
  drift: Record<string, number>;
  efficacy?: { autoRollback: 'never' | 'harmful' };
  updatedAt?: string;
  updatedBy?: string;
}

export interface PolicySetOptions { requiredApprovals?: string; canaryShare?: string; canaryHours?: string; reviewAfterDays?: string; guardrails?: string; corroboration?: string; efficacyRollback?: string }

interface PolicyCheck { verdict: 'pass' | 'block'; violations: { rule: string; detail: string; match: string }[] }

const describe = (p: TenantPolicy) => {
  const g = p.guardrails;
  return [
    `Tenant ${p.tenantId}:`,
    `  approvals     ${p.requiredApprovals} distinct approver${p.requiredApprovals === 1 ? '' : 's'}, none of whom proposed, edited or ingested the evidence of the lesson`,
    `  rollout       ${p.rollout.canaryShare > 0 && p.rollout.canaryShare < 1 ? `${Math.round(p.rollout.canaryShare * 100)}% of sessions for ${p.rollout.canaryPeriodHours} h, then all` : 'to every agent at once (no canary)'}`,
    `  review        an approval holds ${p.reviewAfterDays} days, then the lesson expires until reviewed again`,
    `  guardrails    allowed hosts: ${g.allow.hosts.join(', ') || 'none'}; e-mails: ${g.allow.emails.join(', ') || 'none'}; paths: ${g.allow.paths.join(', ') || 'none'}`,
    `                denied terms: ${g.deny.length}; extra rules: ${g.rules.map((r) => r.name).join(', ') || 'none'}`,
    `  corroboration ${p.corroboration.minSessions} independent sessions; independent sources counted as ${p.corroboration.counts}: ${Object.entries(p.corroboration.minIndependent).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `  drift         per day: ${p.drift.maxApprovalsPerDay} approvals, ${p.drift.maxRetirementsPerDay} retirements, ${p.drift.maxActiveChangesPerDay} changes, ${Math.round(p.drift.maxActiveShareChangedPerDay * 100)}% of the served set; ${p.drift.maxProposalsPerDream} proposals per dream`,
    `  efficacy      ${p.efficacy?.autoRollback === 'harmful' ? 'a lesson measured harmful beyond doubt is withdrawn to review automatically' : 'verdicts are shown to reviewers; nothing is withdrawn automatically'}`,
    p.updatedAt ? `Set by ${p.updatedBy} at ${p.updatedAt}.` : 'These are the defaults: no admin has set a policy yet.',
  ].join('\n');
};

export async function policyShowCommand(config: CliConfig, out: Output): Promise<void> {
  const policy = await callService<TenantPolicy>(config, 'lesson-governance', ROUTES.policy);
  out.result(policy, () => describe(policy));
}

const number = (flag: string, value: string | undefined) => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || value.trim() === '') throw new CliError(`${flag} needs a number, got "${value}"`);
  return n;
};

/** Changes the policy of the admin's tenant (needs the admin role); options not given are kept. */
export async function policySetCommand(config: CliConfig, out: Output, opts: PolicySetOptions): Promise<void> {
  const body: Record<string, unknown> = {};
  const approvals = number('--required-approvals', opts.requiredApprovals);
  if (approvals !== undefined) body.requiredApprovals = approvals;
  if (opts.canaryShare !== undefined || opts.canaryHours !== undefined) {
    const current = (await callService<TenantPolicy>(config, 'lesson-governance', ROUTES.policy)).rollout;
    body.rollout = { canaryShare: number('--canary-share', opts.canaryShare) ?? current.canaryShare, canaryPeriodHours: number('--canary-hours', opts.canaryHours) ?? current.canaryPeriodHours };
  }
  if (opts.corroboration !== undefined) {
    if (!['users', 'credentials', 'both'].includes(opts.corroboration)) throw new CliError(`--corroboration is users, credentials or both, not "${opts.corroboration}"`);
    const current = (await callService<TenantPolicy>(config, 'lesson-governance', ROUTES.policy)).corroboration;
    body.corroboration = { ...current, counts: opts.corroboration };
  }
  if (opts.efficacyRollback !== undefined) {
    if (!['never', 'harmful'].includes(opts.efficacyRollback)) throw new CliError(`--efficacy-rollback is never or harmful, not "${opts.efficacyRollback}"`);
    body.efficacy = { autoRollback: opts.efficacyRollback };
  }
  const days = number('--review-after-days', opts.reviewAfterDays);
  if (days !== undefined) body.reviewAfterDays = days;
  if (opts.guardrails !== undefined) {
    try {
      body.guardrails = JSON.parse(await readFile(opts.guardrails, 'utf8'));
    } catch (err) {
      throw new CliError(`--guardrails ${opts.guardrails}: ${(err as Error).message}`);
    }
  }
  if (!Object.keys(body).length) throw new CliError('nothing to set: give --required-approvals, --canary-share, --canary-hours, --review-after-days, --corroboration, --efficacy-rollback or --guardrails');
  const policy = await callService<TenantPolicy>(config, 'lesson-governance', ROUTES.policy, { method: 'PATCH', body });
  out.result(policy, () => describe(policy));
}

/** What the guardrails would say about a text now; nothing is recorded. Exit code 1 when they block it. */
export async function policyTestCommand(config: CliConfig, out: Output, text: string): Promise<number> {
  const check = await callService<PolicyCheck>(config, 'lesson-governance', ROUTES.policyTest, { body: { text } });
  out.result(check, () => check.verdict === 'pass'
    ? 'PASS: no guardrail blocks this text.'
    : [`BLOCK: ${check.violations.length} violation(s):`, ...check.violations.map((v) => `  ${v.rule}: ${v.detail} [${v.match}]`)].join('\n'));
  return check.verdict === 'block' ? 1 : 0;
}

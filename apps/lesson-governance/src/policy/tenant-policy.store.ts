import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { validateGuardrailPolicy } from '@reverie/guardrails';
import { DATA_SOURCE } from '@reverie/service-kit';
import { defaultPolicy, type TenantPolicy } from './tenant-policy';

interface Row { tenant_id: string; required_approvals: number; settings: Partial<Pick<TenantPolicy, 'rollout' | 'reviewAfterDays' | 'guardrails'>>; updated_at: Date; updated_by: string }

/** The `tenant_policies` table: one row per tenant that set its policy; the others run on the defaults. */
@Injectable()
export class TenantPolicyStore {
  constructor(@Inject(DATA_SOURCE) private readonly ds: DataSource) {}

  async get(tenantId: string): Promise<TenantPolicy> {
    const rows: Row[] = await this.ds.query('SELECT * FROM tenant_policies WHERE tenant_id = $1', [tenantId]);
    const r = rows[0];
    const defaults = defaultPolicy(tenantId);
    if (!r) return defaults;
    return {
      tenantId,
      requiredApprovals: r.required_approvals,
      rollout: r.settings.rollout ?? defaults.rollout,
      reviewAfterDays: r.settings.reviewAfterDays ?? defaults.reviewAfterDays,
      // Stored policies were validated when set; validating again keeps a hand-edited row from reaching the rules.
      guardrails: r.settings.guardrails ? validateGuardrailPolicy(r.settings.guardrails) : defaults.guardrails,
      updatedAt: r.updated_at.toISOString(),
      updatedBy: r.updated_by,
    };
  }

  async set(policy: TenantPolicy & { updatedAt: string; updatedBy: string }): Promise<void> {
    const settings = { rollout: policy.rollout, reviewAfterDays: policy.reviewAfterDays, guardrails: policy.guardrails };
    await this.ds.query(
      `INSERT INTO tenant_policies (tenant_id, required_approvals, settings, updated_at, updated_by) VALUES ($1, $2, $3::jsonb, $4, $5)
       ON CONFLICT (tenant_id) DO UPDATE SET required_approvals = EXCLUDED.required_approvals, settings = EXCLUDED.settings,
         updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by`,
      [policy.tenantId, policy.requiredApprovals, JSON.stringify(settings), policy.updatedAt, policy.updatedBy],
    );
  }
}

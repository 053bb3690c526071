import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE } from '@reverie/service-kit';
import { defaultPolicy, type TenantPolicy } from './tenant-policy';

interface Row { tenant_id: string; required_approvals: number; updated_at: Date; updated_by: string }

/** The `tenant_policies` table: one row per tenant that set its policy; the others run on the defaults. */
@Injectable()
export class TenantPolicyStore {
  constructor(@Inject(DATA_SOURCE) private readonly ds: DataSource) {}

  async get(tenantId: string): Promise<TenantPolicy> {
    const rows: Row[] = await this.ds.query('SELECT * FROM tenant_policies WHERE tenant_id = $1', [tenantId]);
    const r = rows[0];
    if (!r) return defaultPolicy(tenantId);
    return { tenantId, requiredApprovals: r.required_approvals, updatedAt: r.updated_at.toISOString(), updatedBy: r.updated_by };
  }

  async set(policy: Required<TenantPolicy>): Promise<void> {
    await this.ds.query(
      `INSERT INTO tenant_policies (tenant_id, required_approvals, updated_at, updated_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT (tenant_id) DO UPDATE SET required_approvals = EXCLUDED.required_approvals, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by`,
      [policy.tenantId, policy.requiredApprovals, policy.updatedAt, policy.updatedBy],
    );
  }
}

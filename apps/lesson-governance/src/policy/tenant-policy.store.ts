import { Inject, Injectable } from '@nestjs/common';
import { newId } from '@reverie/contracts';
import { ConcurrencyError } from '@reverie/event-store';
import type { Actor } from '@reverie/contracts';
import { TenantAggregate } from '../tenant/tenant-aggregate';
import { policyOf, type PolicyPatch, type TenantPolicy } from './tenant-policy';

/**
 * A tenant's policy is the latest TenantPolicySet on its aggregate (the defaults before the
 * first), read from the log at each decision so a change applies to the next one at once.
 */
@Injectable()
export class TenantPolicyStore {
  constructor(@Inject(TenantAggregate) private readonly tenants: TenantAggregate) {}

  async get(tenantId: string): Promise<TenantPolicy> {
    const { state } = await this.tenants.load(tenantId);
    return policyOf(tenantId, state);
  }

  /** Applies a patch to the policy as it is now and records the result (re-read and re-applied when another change came first). */
  async patch(tenantId: string, patch: Omit<PolicyPatch, 'tenantId'>, actor: Actor, now: string): Promise<{ before: TenantPolicy; after: TenantPolicy }> {
    for (let attempt = 1; ; attempt++) {
      const { state, lastSeq } = await this.tenants.load(tenantId);
      const before = policyOf(tenantId, state);
      const { tenantId: _t, updatedAt: _u, updatedBy: _b, ...stored } = { ...before, ...patch };
      try {
        await this.tenants.append(tenantId, { type: 'TenantPolicySet', data: { policy: stored, changed: Object.keys(patch) } }, { now, actor, correlationId: newId() }, lastSeq);
      } catch (err) {
        if (err instanceof ConcurrencyError && attempt < 4) continue;
        throw err;
      }
      return { before, after: { ...before, ...patch, updatedAt: now, updatedBy: actor.id } };
    }
  }
}

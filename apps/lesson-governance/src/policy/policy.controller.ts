import { Body, Controller, Get, Inject, Put } from '@nestjs/common';
import type { Logger } from 'pino';
import { Allow, CurrentPrincipal, parseRequest, type Principal } from '@reverie/service-kit';
import { CLOCK, LOGGER, type Clock } from '../app.tokens';
import { ADMIN_POLICY_ROUTE, setPolicyBody, type TenantPolicy } from './tenant-policy';
import { TenantPolicyStore } from './tenant-policy.store';

/**
 * The tenant's governance policy. Everyone who takes part in reviews may read it (it says how
 * many approvers a lesson needs); only an admin sets it, for their own tenant, and the change is
 * recorded with the admin's credential.
 */
@Controller(ADMIN_POLICY_ROUTE)
export class PolicyController {
  constructor(
    @Inject(TenantPolicyStore) private readonly policies: TenantPolicyStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Get()
  @Allow('reviewer', 'approver', 'admin')
  get(@CurrentPrincipal() principal: Principal): Promise<TenantPolicy> {
    return this.policies.get(principal.tenantId);
  }

  @Put()
  @Allow('admin')
  async set(@CurrentPrincipal() admin: Principal, @Body() body: unknown): Promise<TenantPolicy> {
    const { requiredApprovals } = parseRequest(setPolicyBody, body, 'body');
    const before = await this.policies.get(admin.tenantId);
    const policy = { tenantId: admin.tenantId, requiredApprovals, updatedAt: this.clock().toISOString(), updatedBy: admin.actor.id };
    await this.policies.set(policy);
    this.logger.info({ tenantId: admin.tenantId, actor: admin.actor, before: { requiredApprovals: before.requiredApprovals }, after: { requiredApprovals } }, 'governance policy set');
    return policy;
  }
}

import { Body, Controller, Get, HttpCode, Inject, Patch, Post } from '@nestjs/common';
import type { Logger } from 'pino';
import type { PolicyCheck } from '@reverie/lesson-domain';
import { Allow, ApiOperation, CurrentPrincipal, parseRequest, type Principal } from '@reverie/service-kit';
import { CLOCK, LOGGER, type Clock } from '../app.tokens';
import { LessonGuardrails } from './lesson-guardrails.service';
import { ADMIN_POLICY_ROUTE, policyPatchBody, policyTestBody, type TenantPolicy } from './tenant-policy';
import { TenantPolicyStore } from './tenant-policy.store';

/**
 * The tenant's governance policy. Everyone who takes part in reviews may read it and dry-run a
 * text against its guardrails; only an admin changes it, for their own tenant, and the change is
 * recorded with the admin's credential (and logged with what it was before).
 */
@Controller(ADMIN_POLICY_ROUTE)
export class PolicyController {
  constructor(
    @Inject(TenantPolicyStore) private readonly policies: TenantPolicyStore,
    @Inject(LessonGuardrails) private readonly guardrails: LessonGuardrails,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Get()
  @Allow('reviewer', 'approver', 'admin')
  @ApiOperation({ summary: 'The tenant\'s governance policy', response: { description: 'TenantPolicy: approvals, rollout, review-by, guardrails, corroboration, drift caps, efficacy' } })
  get(@CurrentPrincipal() principal: Principal): Promise<TenantPolicy> {
    return this.policies.get(principal.tenantId);
  }

  @Patch()
  @Allow('admin')
  @ApiOperation({ summary: 'Change the tenant\'s governance policy', description: 'The fields given replace the current ones; the change is recorded with the admin\'s credential.', body: policyPatchBody, response: { description: 'TenantPolicy as it now is' } })
  async set(@CurrentPrincipal() admin: Principal, @Body() body: unknown): Promise<TenantPolicy> {
    const { tenantId: _t, ...patch } = parseRequest(policyPatchBody, body, 'body');
    const { before, after } = await this.policies.patch(admin.tenantId, patch, admin.actor, this.clock().toISOString());
    this.logger.info({ tenantId: admin.tenantId, actor: admin.actor, changed: Object.keys(patch), before: pick(before, Object.keys(patch)) }, 'governance policy set');
    return after;
  }

  /** Dry run: what the guardrails would say about a text now (policy and active lessons as they are); nothing is recorded. */
  @Post('test')
  @HttpCode(200)
  @Allow('reviewer', 'approver', 'admin')
  @ApiOperation({ summary: 'Dry-run a text against the tenant\'s guardrails', description: 'Nothing is recorded.', body: policyTestBody, response: { description: 'PolicyCheck: the verdict and each violation' } })
  async test(@CurrentPrincipal() principal: Principal, @Body() body: unknown): Promise<PolicyCheck> {
    const { text, rationale } = parseRequest(policyTestBody, body, 'body');
    const check = await this.guardrails.forTenant(principal.tenantId);
    return check({ text, ...(rationale !== undefined && { rationale }) });
  }
}

const pick = (o: object, keys: string[]) => Object.fromEntries(Object.entries(o).filter(([k]) => keys.includes(k)));

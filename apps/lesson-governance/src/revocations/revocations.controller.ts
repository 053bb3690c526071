import { Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { Allow, ApiOperation, CurrentPrincipal, parseRequest, type Principal } from '@reverie/service-kit';
import { TenantAggregate } from '../tenant/tenant-aggregate';
import { ADMIN_REVOCATIONS_ROUTE, revocationBody } from './revocation-requests';
import { RevocationsService, type RevocationResult } from './revocations.service';

/**
 * Revoke by source: a poisoned session, a leaked or hostile key, a user. Approvers and admins may
 * do it (it only ever withdraws); everyone in review may see what was revoked, and the erasures
 * recorded (how much, never whom).
 */
@Controller(ADMIN_REVOCATIONS_ROUTE)
export class RevocationsController {
  constructor(
    @Inject(RevocationsService) private readonly revocations: RevocationsService,
    @Inject(TenantAggregate) private readonly tenants: TenantAggregate,
  ) {}

  @Post()
  @HttpCode(200)
  @Allow('approver', 'admin')
  @ApiOperation({
    summary: 'Revoke by source: sessions, users or keys',
    description: 'Quarantines the sources and recounts the support of every lesson they backed, without them.',
    body: revocationBody,
    response: { description: 'RevocationResult: the sources quarantined and, for each lesson they backed, its support before and after and what was done' },
  })
  revoke(@CurrentPrincipal() principal: Principal, @Body() body: unknown): Promise<RevocationResult> {
    return this.revocations.revoke(principal, parseRequest(revocationBody, body, 'body'));
  }

  @Get()
  @Allow('reviewer', 'approver', 'admin')
  @ApiOperation({ summary: 'What was revoked, and the erasures recorded (how much, never whom)', response: { description: '`{ quarantined, revocations, erasures }`' } })
  async list(@CurrentPrincipal() principal: Principal) {
    const { state } = await this.tenants.load(principal.tenantId);
    return { quarantined: state.quarantined, revocations: state.revocations, erasures: state.erasures };
  }
}

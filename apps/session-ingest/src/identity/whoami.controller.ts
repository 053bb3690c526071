import { Controller, Get } from '@nestjs/common';
import { WHOAMI_ROUTE, type WhoAmI } from '@reverie/ingest-client';
import { Allow, ApiOperation, CurrentPrincipal, ROLES, type Principal } from '@reverie/service-kit';

/**
 * Who the presented credential is, as the server verified it: the tenant, the actor recorded on
 * what it causes, its roles. Any valid credential may ask (it learns nothing it does not hold).
 * The CLI reads it to know its tenant (ids of imported events) and to check a key at login.
 */
@Controller()
export class WhoAmIController {
  @Get(WHOAMI_ROUTE)
  @Allow(...ROLES)
  @ApiOperation({ summary: 'Who the presented credential is', response: { description: 'WhoAmI (libs/ingest-client): `{ tenantId, actor, roles, credential }`' } })
  whoami(@CurrentPrincipal() p: Principal): WhoAmI {
    return { tenantId: p.tenantId, actor: p.actor, roles: [...p.roles], credential: p.credential };
  }
}

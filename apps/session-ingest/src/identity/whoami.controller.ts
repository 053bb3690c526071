import { Controller, Get } from '@nestjs/common';
import { WHOAMI_ROUTE, type WhoAmI } from '@reverie/ingest-client';
import { Allow, CurrentPrincipal, ROLES, type Principal } from '@reverie/service-kit';

/**
 * Who the presented credential is, as the server verified it: the tenant, the actor recorded on
 * what it causes, its roles. Any valid credential may ask (it learns nothing it does not hold).
 * The CLI reads it to know its tenant (ids of imported events) and to check a key at login.
 */
@Controller()
export class WhoAmIController {
  @Get(WHOAMI_ROUTE)
  @Allow(...ROLES)
  whoami(@CurrentPrincipal() p: Principal): WhoAmI {
    return { tenantId: p.tenantId, actor: p.actor, roles: [...p.roles], credential: p.credential };
  }
}

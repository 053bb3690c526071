import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

const TENANT = Symbol('reverie.tenant');
type TenantRequest = FastifyRequest & { [TENANT]?: string };

export const setRequestTenant = (request: FastifyRequest, tenantId: string): void => {
  (request as TenantRequest)[TENANT] = tenantId;
};

/** The tenant of the request's API key, set by the authentication hook before the body was read. */
export const Tenant = createParamDecorator((_data: unknown, ctx: ExecutionContext): string => {
  const tenant = ctx.switchToHttp().getRequest<TenantRequest>()[TENANT];
  // The hook runs for every /v1 route; reaching a handler without a tenant is a wiring bug.
  if (!tenant) throw new Error('no authenticated tenant on the request');
  return tenant;
});

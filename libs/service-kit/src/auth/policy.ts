import { createParamDecorator, Inject, Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { Authenticator, requireRole } from './authenticator';
import { AuthError, type Principal } from './principal';
import type { Role } from './roles';

export const POLICY = 'reverie:route-policy';
export const AUTHENTICATOR = Symbol('AUTHENTICATOR');

export type RoutePolicy = { public: true } | { roles: readonly Role[] };

/** The roles allowed on this route, declared next to its handler. */
export const Allow = (...roles: Role[]) => SetMetadata(POLICY, { roles } satisfies RoutePolicy);
/** A route anyone may call (health, metrics): said explicitly, never by omission. */
export const Public = () => SetMetadata(POLICY, { public: true } satisfies RoutePolicy);

const PRINCIPAL = Symbol('principal');
type WithPrincipal = FastifyRequest & { [PRINCIPAL]?: Principal };

/** Set by an edge hook that authenticated the request before its body was read (session-ingest). */
export function setRequestPrincipal(request: FastifyRequest, principal: Principal): void {
  (request as WithPrincipal)[PRINCIPAL] = principal;
}

export function requestPrincipal(request: FastifyRequest): Principal | undefined {
  return (request as WithPrincipal)[PRINCIPAL];
}

/** The verified principal of the request, in a handler: `@CurrentPrincipal() p: Principal`. */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const p = requestPrincipal(ctx.switchToHttp().getRequest<FastifyRequest>());
  if (!p) throw new AuthError(401, 'no authenticated principal on this request (the route is public?)');
  return p;
});

/**
 * Deny by default: every route declares its policy; a public one passes, any other needs a
 * verified credential with one of its roles (401 without one, 403 without the role). A route
 * with no policy is refused here too, though start-up already refuses to serve one.
 */
@Injectable()
export class PolicyGuard implements CanActivate {
  constructor(@Inject(Reflector) private readonly reflector: Reflector, @Inject(AUTHENTICATOR) private readonly authenticator: Authenticator) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const policy = this.reflector.getAllAndOverride<RoutePolicy | undefined>(POLICY, [ctx.getHandler(), ctx.getClass()]);
    if (!policy) throw new AuthError(403, 'this route declares no access policy');
    if ('public' in policy) return true;
    const request = ctx.switchToHttp().getRequest<FastifyRequest>();
    const principal = requestPrincipal(request) ?? (await this.authenticator.authenticate(request.headers));
    setRequestPrincipal(request, principal);
    requireRole(principal, policy.roles);
    return true;
  }
}

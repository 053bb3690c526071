import type { INestApplicationContext } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer, Reflector } from '@nestjs/core';
import { POLICY, type RoutePolicy } from './policy';

export interface DeclaredRoute {
  controller: string;
  handler: string;
  /** RequestMethod number, as Nest declares it. */
  method: number;
  path: string;
  policy?: RoutePolicy;
  /** The handler function, whose metadata describes the route (its policy, its API operation). */
  handlerFn: (...args: never[]) => unknown;
}

/** Every handler of every controller of the app, with the policy it declares (if any). */
export function declaredRoutes(app: Pick<INestApplicationContext, 'get'>): DeclaredRoute[] {
  const reflector = app.get(Reflector);
  const out: DeclaredRoute[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const type = wrapper.metatype as (new (...args: unknown[]) => unknown) | undefined;
      if (!type?.prototype) continue;
      const base = String(Reflect.getMetadata(PATH_METADATA, type) ?? '');
      for (const name of Object.getOwnPropertyNames(type.prototype)) {
        const handler = (type.prototype as Record<string, unknown>)[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const path = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        if (path === undefined) continue;
        const policy = reflector.getAllAndOverride<RoutePolicy | undefined>(POLICY, [handler as () => unknown, type]);
        for (const p of Array.isArray(path) ? path : [path]) {
          out.push({ controller: type.name, handler: name, method: Reflect.getMetadata(METHOD_METADATA, handler) as number, path: `/${[base, p].filter(Boolean).join('/')}`.replace(/\/+/g, '/').replace(/(.)\/$/, '$1'), ...(policy ? { policy } : {}), handlerFn: handler as DeclaredRoute['handlerFn'] });
        }
      }
    }
  }
  return out;
}

/** Start-up refuses an app with a route that declares no access policy, naming each. */
export function assertEveryRouteHasPolicy(app: Pick<INestApplicationContext, 'get'>): void {
  const missing = declaredRoutes(app).filter((r) => !r.policy);
  if (missing.length) {
    throw new Error(`routes without an access policy (@Allow(...roles) or @Public()): ${missing.map((r) => `${r.controller}.${r.handler} ${r.path}`).join(', ')}`);
  }
}

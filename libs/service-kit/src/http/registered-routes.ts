import type { FastifyInstance } from 'fastify';

export interface RegisteredRoute {
  method: string;
  /** As Fastify holds it: `/v1/lessons/:id`, `/console/*`. */
  url: string;
}

const registered = new WeakMap<object, RegisteredRoute[]>();

/** Records every route added to `fastify` from now on (its plugins' and Nest's alike). */
export function recordRoutes(fastify: FastifyInstance): void {
  const routes: RegisteredRoute[] = [];
  registered.set(fastify, routes);
  fastify.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });
}

/** The routes registered on `fastify` since `recordRoutes`: what the server actually answers. */
export function registeredRoutes(fastify: object): RegisteredRoute[] {
  return [...(registered.get(fastify) ?? [])];
}

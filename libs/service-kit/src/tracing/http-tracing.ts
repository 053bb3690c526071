import { context } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';
import type { FastifyInstance } from 'fastify';

/**
 * Names each request's HTTP server span (made by the http instrumentation, which also makes it the
 * active span for the handler) after its Fastify route, `GET /v1/dreams/:id` rather than `GET`,
 * and records Fastify-level errors on it.
 */
export function installHttpTracing(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, _reply, done) => {
    const metadata = getRPCMetadata(context.active());
    const route = request.routeOptions?.url;
    if (metadata?.type === RPCType.HTTP && route) metadata.route = route;
    done();
  });
  fastify.addHook('onError', (_request, _reply, error, done) => {
    getRPCMetadata(context.active())?.span.recordException(error);
    done();
  });
}

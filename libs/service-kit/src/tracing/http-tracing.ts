import {
  type CallHandler, type ExecutionContext, Injectable, type NestInterceptor,
} from '@nestjs/common';
import { context, propagation, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Observable } from 'rxjs';

const SPAN = Symbol('reverie.server-span');
type TracedRequest = FastifyRequest & { [SPAN]?: Span };

export const HTTP_TRACER = '@reverie/service-kit/http';

/**
 * One SERVER span per HTTP request, child of the caller's `traceparent` header when there is one.
 * Hooks see every request, unknown routes included; the span ends when the response is sent.
 */
export function installHttpTracing(fastify: FastifyInstance): void {
  const tracer = trace.getTracer(HTTP_TRACER);
  fastify.addHook('onRequest', (request: TracedRequest, _reply, done) => {
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const route = request.routeOptions?.url;
    request[SPAN] = tracer.startSpan(
      `${request.method} ${route ?? 'unknown route'}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': request.method,
          'url.path': request.url.split('?')[0],
          ...(route && { 'http.route': route }),
        },
      },
      parent,
    );
    done();
  });
  fastify.addHook('onError', (request: TracedRequest, _reply, error, done) => {
    request[SPAN]?.recordException(error);
    done();
  });
  fastify.addHook('onResponse', (request: TracedRequest, reply, done) => {
    const span = request[SPAN];
    if (span) {
      span.setAttribute('http.response.status_code', reply.statusCode);
      if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
    done();
  });
}

/** The server span of a request (undefined when tracing hooks are not installed). */
export function requestSpan(request: FastifyRequest): Span | undefined {
  return (request as TracedRequest)[SPAN];
}

/**
 * Makes the request's server span the active context while the Nest handler runs, so spans and
 * NATS publishes made by the handler (and everything it awaits) are its children.
 */
@Injectable()
export class TraceContextInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http') return next.handle();
    const span = requestSpan(ctx.switchToHttp().getRequest<FastifyRequest>());
    if (!span) return next.handle();
    const active = trace.setSpan(context.active(), span);
    // Subscribing inside context.with runs the (deferred) handler in that context.
    return new Observable((subscriber) => context.with(active, () => next.handle().subscribe(subscriber)));
  }
}

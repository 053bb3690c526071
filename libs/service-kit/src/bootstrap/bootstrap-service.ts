import type { Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { ProblemDetailsFilter } from '../http/problem-details.filter';
import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import { registerRateLimit } from '../http/rate-limit';
import { recordRoutes } from '../http/registered-routes';
import { METRICS, type ServiceMetrics } from '../metrics/service-metrics';
import { DEFAULT_RATE_LIMIT_PER_MINUTE } from '../config/common-config';
import { assertEveryRouteHasPolicy } from '../auth/route-policies';
import { PinoNestLogger } from '../logging/nest-logger';
import { installHttpTracing } from '../tracing/http-tracing';

export interface ShutdownHook {
  name: string;
  run(): Promise<void>;
}

export interface ServiceAppOptions {
  service: string;
  module: Type<unknown>;
  logger: Logger;
  /** Default 1 MiB. */
  bodyLimit?: number;
  /** Requests per minute per presented credential (per client IP without one); 0: no limit. Default DEFAULT_RATE_LIMIT_PER_MINUTE. */
  rateLimitPerMinute?: number;
  /** The rate limit's window; default one minute (tests shorten it). */
  rateLimitWindowMs?: number;
  /** Browser origins allowed to call the service (the reviewer console); none: no CORS. */
  corsOrigins?: string[];
  /** Fastify plugins of the service's own (static files), registered before Nest adds its routes. */
  plugins?: ((fastify: FastifyInstance) => Promise<void>)[];
}

export interface BootstrapOptions extends ServiceAppOptions {
  port: number;
  host: string;
  /** Run after the HTTP server closed, in order (e.g. drain NATS, close Postgres pools). */
  onShutdown?: ShutdownHook[];
  /** Whole-shutdown limit; past it the process exits with code 1. Default 10000 ms. */
  shutdownTimeoutMs?: number;
  /** Listen for SIGTERM and SIGINT and exit when shut down. Default true; tests pass false. */
  handleSignals?: boolean;
}

export interface ServiceHandle {
  app: NestFastifyApplication;
  /** `http://host:port` actually bound (port 0 resolves to the real one). */
  url: string;
  /** Closes HTTP, runs the shutdown hooks; idempotent. Resolves false when something failed or timed out. */
  shutdown(reason?: string): Promise<boolean>;
}

/**
 * A Nest application on Fastify with the kit wired in: pino logs, a server span per request,
 * problem+json for every error (unknown routes included: Nest's not-found handler goes through
 * the global filter), a rate limit per credential on every route but /health (429 problem+json
 * with Retry-After). Initialised, not listening: tests use
 * `app.inject`, `bootstrapService` listens.
 */
export async function createServiceApp(options: ServiceAppOptions): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({ logger: false, bodyLimit: options.bodyLimit ?? 1024 * 1024 });
  // First, so that every route is recorded: the API documents are checked against them.
  recordRoutes(adapter.getInstance() as unknown as FastifyInstance);
  installHttpTracing(adapter.getInstance());
  // Before Nest adds the routes: the plugin attaches its hook to each route as it is added.
  if (options.corsOrigins?.length) {
    // The console signs in with a key in a header: no cookies, so no credentials mode.
    await adapter.getInstance().register(cors, {
      origin: options.corsOrigins, methods: ['GET', 'POST', 'PATCH', 'DELETE'],
      allowedHeaders: ['x-api-key', 'authorization', 'content-type', 'x-correlation-id'], exposedHeaders: ['x-reverie-served-event-id', 'retry-after'], maxAge: 600,
    });
  }
  for (const plugin of options.plugins ?? []) await plugin(adapter.getInstance() as unknown as FastifyInstance);
  await registerRateLimit(adapter.getInstance(), {
    perMinute: options.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT_PER_MINUTE,
    windowMs: options.rateLimitWindowMs,
  });
  const app = await NestFactory.create<NestFastifyApplication>(options.module, adapter, {
    logger: new PinoNestLogger(options.logger.child({ component: 'nest' })),
    abortOnError: false,
  });
  // Apps built with serviceAppModule have a registry; a bare test app has none.
  let metrics: ServiceMetrics | undefined;
  try { metrics = app.get<ServiceMetrics>(METRICS, { strict: false }); } catch { metrics = undefined; }
  if (metrics) {
    adapter.getInstance().addHook('onResponse', (request, reply, done) => {
      metrics.httpDuration.observe({ method: request.method, route: request.routeOptions?.url ?? 'unknown', status: String(reply.statusCode) }, reply.elapsedTime / 1000);
      done();
    });
  }
  app.useGlobalFilters(new ProblemDetailsFilter(options.logger));
  await app.init();
  // Deny by default: a route that declares no access policy is refused at start-up.
  assertEveryRouteHasPolicy(app);
  return app;
}

/**
 * Starts a service: creates the app, listens, and shuts down gracefully on SIGTERM/SIGINT — HTTP
 * first (Nest's shutdown lifecycle hooks run as part of app.close), then the hooks, within a time
 * limit. Signals are handled here rather than by `enableShutdownHooks`, whose handler re-raises
 * the signal as soon as Nest has closed and would cut the hooks short.
 */
export async function bootstrapService(options: BootstrapOptions): Promise<ServiceHandle> {
  const { logger } = options;
  const app = await createServiceApp(options);
  await app.listen({ port: options.port, host: options.host });
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;
  logger.info({ url }, `${options.service} listening`);

  let closing: Promise<boolean> | undefined;
  const shutdown = (reason = 'shutdown') => (closing ??= runShutdown(app, options, reason));
  if (options.handleSignals ?? true) {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        void shutdown(signal).then((clean) => process.exit(clean ? 0 : 1));
      });
    }
  }
  return { app, url, shutdown };
}

async function runShutdown(app: NestFastifyApplication, options: BootstrapOptions, reason: string): Promise<boolean> {
  const { logger } = options;
  const limit = options.shutdownTimeoutMs ?? 10_000;
  logger.info({ reason }, `${options.service} shutting down`);
  let clean = true;
  const steps = async () => {
    try {
      await app.close();
    } catch (err) {
      clean = false;
      logger.error({ err }, 'closing HTTP failed');
    }
    for (const hook of options.onShutdown ?? []) {
      try {
        await hook.run();
        logger.info({ hook: hook.name }, 'shutdown hook done');
      } catch (err) {
        clean = false;
        logger.error({ err, hook: hook.name }, 'shutdown hook failed');
      }
    }
  };
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), limit);
    timer.unref();
  });
  const outcome = await Promise.race([steps().then(() => 'done' as const), timedOut]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    logger.error({ limitMs: limit }, `${options.service} shutdown timed out`);
    return false;
  }
  logger.info({ clean }, `${options.service} stopped`);
  return clean;
}

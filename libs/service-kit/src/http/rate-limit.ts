import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import { HttpException } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createHmac, randomBytes } from 'node:crypto';
import { presentedCredential } from '../auth/api-key-token';

export interface RateLimitOptions {
  /** Requests per minute per presented credential, or per client IP without one. 0: no limit. */
  perMinute: number;
  /** Default one minute; tests shorten it. */
  windowMs?: number;
}

/** Paths never limited: load balancers and `reverie status` poll them, without a credential. */
export const RATE_LIMIT_EXEMPT_ROUTES: readonly string[] = ['/health'];

/** Distinct keys remembered per service process (least recently seen forgotten first). */
const TRACKED_KEYS = 20_000;

// Keyed by an HMAC under a secret of this process, so the limiter's memory holds no credential
// and nothing from which one could be checked offline.
const keySecret = randomBytes(32);

/**
 * What a request is counted against: `key:<HMAC of the presented credential>` (`x-api-key` or
 * `Authorization: Bearer`, as the authenticator reads it), else `ip:<client address>` (IPv6
 * addresses by their /64, as one host usually holds a whole /64, IPv4-mapped ones as IPv4). The
 * credential is not verified here (the limit runs before authentication, on every request), so
 * a valid and an invalid credential are counted alike.
 */
export function rateLimitKey(headers: FastifyRequest['headers'], ip: string): string {
  const credential = presentedCredential(headers);
  return credential ? `key:${createHmac('sha256', keySecret).update(credential, 'utf8').digest('base64url')}` : `ip:${normalizeIP(ip)}`;
}

/**
 * Registers @fastify/rate-limit on the service's Fastify instance, before Nest adds its routes
 * (the plugin attaches itself to each route as it is added). It runs in `onRequest`, before the
 * body is read: a request counts once whatever it carries (a session-ingest batch is one
 * request). Over the limit the answer is 429 problem+json, through the ProblemDetailsFilter like
 * every error, with `Retry-After` (seconds) and the `x-ratelimit-*` headers. The count is per
 * service process, in memory.
 */
export async function registerRateLimit(fastify: FastifyInstance, options: RateLimitOptions): Promise<void> {
  if (options.perMinute <= 0) return;
  const windowMs = options.windowMs ?? 60_000;
  await fastify.register(rateLimit, {
    global: true,
    max: options.perMinute,
    timeWindow: windowMs,
    cache: TRACKED_KEYS,
    keyGenerator: (request) => rateLimitKey(request.headers, request.ip),
    allowList: (request) => RATE_LIMIT_EXEMPT_ROUTES.includes(request.routeOptions.url ?? ''),
    errorResponseBuilder: (_request, context) =>
      new HttpException(
        {
          type: 'about:blank',
          title: 'Too Many Requests',
          detail: `more than ${context.max} requests in ${Math.round(windowMs / 1000)} seconds with this credential (or from this address without one); retry in ${context.after}`,
          retryAfterSeconds: Math.max(1, Math.ceil(context.ttl / 1000)),
        },
        context.statusCode,
      ),
  });
}

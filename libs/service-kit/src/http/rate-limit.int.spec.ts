import { Body, Controller, Get, Module, Post } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { createLogger } from '../logging/logger';
import { bootstrapService, type ServiceHandle } from '../bootstrap/bootstrap-service';
import { Authenticator } from '../auth/authenticator';
import { EnvKeyVerifier } from '../auth/env-keys.verifier';
import { Allow, AUTHENTICATOR, PolicyGuard, Public } from '../auth/policy';
import { rateLimitKey } from './rate-limit';

@Controller()
class LimitedController {
  @Get('health')
  @Public()
  health() {
    return { status: 'ok' };
  }

  @Get('v1/things')
  @Allow('reviewer')
  list() {
    return [];
  }

  @Post('v1/events')
  @Allow('ingest')
  ingest(@Body() body: { events: unknown[] }) {
    return { accepted: body.events.length };
  }
}

const KEY_A = 'rate-key-aaaa-0001';
const KEY_B = 'rate-key-bbbb-0001';
const keys = `${KEY_A}:acme:reviewer+ingest,${KEY_B}:acme:reviewer+ingest`;

@Module({
  controllers: [LimitedController],
  providers: [
    { provide: AUTHENTICATOR, useValue: new Authenticator([EnvKeyVerifier.parse(keys)]) },
    { provide: APP_GUARD, useClass: PolicyGuard },
  ],
})
class LimitedModule {}

describe('rate limit per credential', () => {
  const LIMIT = 3;
  const logger = createLogger('session-ingest', 'silent');
  let service: ServiceHandle;
  const call = async (path: string, headers: Record<string, string> = {}, init: RequestInit = {}) => {
    const res = await fetch(`${service.url}${path}`, { ...init, headers: { ...headers, ...(init.headers as Record<string, string>) } });
    const text = await res.text();
    return { status: res.status, type: res.headers.get('content-type') ?? '', retryAfter: res.headers.get('retry-after'), body: text ? JSON.parse(text) : undefined };
  };

  beforeAll(async () => {
    service = await bootstrapService({
      service: 'session-ingest', module: LimitedModule, logger, port: 0, host: '127.0.0.1', handleSignals: false, rateLimitPerMinute: LIMIT,
    });
  });
  afterAll(async () => service.shutdown('test done'));

  it('answers the (N+1)th request of one key 429 problem+json with Retry-After, while another key still gets through', async () => {
    for (let i = 0; i < LIMIT; i++) expect((await call('/v1/things', { 'x-api-key': KEY_A })).status).toBe(200);
    const limited = await call('/v1/things', { 'x-api-key': KEY_A });
    expect(limited).toMatchObject({ status: 429, body: { type: 'about:blank', title: 'Too Many Requests', status: 429 } });
    expect(limited.type).toMatch(/^application\/problem\+json/);
    expect(Number(limited.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(limited.retryAfter)).toBeLessThanOrEqual(60);
    expect(limited.body.detail).toMatch(/more than 3 requests in 60 seconds/);
    // The same key as a bearer token is the same credential.
    expect((await call('/v1/things', { authorization: `Bearer ${KEY_A}` })).status).toBe(429);
    expect((await call('/v1/things', { 'x-api-key': KEY_B })).status).toBe(200);
  });

  it('counts a batch as one request, whatever it carries', async () => {
    const batch = JSON.stringify({ events: Array.from({ length: 500 }, (_, i) => ({ id: `e${i}` })) });
    const post = () => call('/v1/events', { 'x-api-key': KEY_B, 'content-type': 'application/json' }, { method: 'POST', body: batch });
    // KEY_B made one request above.
    for (let i = 1; i < LIMIT; i++) expect(await post()).toMatchObject({ status: 201, body: { accepted: 500 } });
    expect((await post()).status).toBe(429);
  });

  it('limits requests without a credential by client address, and never /health', async () => {
    for (let i = 0; i < LIMIT * 3; i++) expect((await call('/health')).status).toBe(200);
    for (let i = 0; i < LIMIT; i++) expect((await call('/v1/things')).status).toBe(401);
    const limited = await call('/v1/things');
    expect(limited).toMatchObject({ status: 429, body: { title: 'Too Many Requests' } });
    expect(limited.retryAfter).not.toBeNull();
    expect((await call('/health')).status).toBe(200);
    expect((await call('/health', { 'x-api-key': KEY_A })).status).toBe(200);
  });
});

describe('rate limit window and switch', () => {
  const logger = createLogger('dreaming', 'silent');

  it('lets a key through again once its window has passed', async () => {
    const service = await bootstrapService({
      service: 'dreaming', module: LimitedModule, logger, port: 0, host: '127.0.0.1', handleSignals: false, rateLimitPerMinute: 1, rateLimitWindowMs: 300,
    });
    try {
      const get = () => fetch(`${service.url}/v1/things`, { headers: { 'x-api-key': KEY_A } }).then((r) => r.status);
      expect(await get()).toBe(200);
      expect(await get()).toBe(429);
      await new Promise((r) => setTimeout(r, 400));
      expect(await get()).toBe(200);
    } finally {
      await service.shutdown('test done');
    }
  });

  it('does not limit with REVERIE_RATE_LIMIT_PER_MINUTE=0', async () => {
    const service = await bootstrapService({
      service: 'dreaming', module: LimitedModule, logger, port: 0, host: '127.0.0.1', handleSignals: false, rateLimitPerMinute: 0,
    });
    try {
      for (let i = 0; i < 20; i++) {
        const res = await fetch(`${service.url}/v1/things`, { headers: { 'x-api-key': KEY_A } });
        expect(res.status).toBe(200);
        expect(res.headers.get('x-ratelimit-limit')).toBeNull();
      }
    } finally {
      await service.shutdown('test done');
    }
  });
});

describe('rateLimitKey', () => {
  it('is an HMAC of the presented credential, never the credential, else the client address', () => {
    const a = rateLimitKey({ 'x-api-key': KEY_A }, '10.0.0.1');
    expect(a).toMatch(/^key:[A-Za-z0-9_-]{43}$/);
    expect(a).not.toContain(KEY_A);
    expect(rateLimitKey({ authorization: `Bearer ${KEY_A}` }, '10.0.0.2')).toBe(a);
    expect(rateLimitKey({ 'x-api-key': KEY_B }, '10.0.0.1')).not.toBe(a);
    expect(rateLimitKey({}, '10.0.0.1')).toBe('ip:10.0.0.1');
    expect(rateLimitKey({ authorization: 'Basic abc' }, '::ffff:10.0.0.1')).toBe('ip:10.0.0.1');
    expect(rateLimitKey({}, '2001:db8::1')).toBe(rateLimitKey({}, '2001:db8::ffff:2'));
    expect(rateLimitKey({}, '2001:db8::1')).not.toBe(rateLimitKey({}, '2001:db8:0:1::1'));
  });
});

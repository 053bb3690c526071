import { Controller, Get, Module, Param, Post } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { createLogger } from '../logging/logger';
import { bootstrapService, createServiceApp, type ServiceHandle } from '../bootstrap/bootstrap-service';
import { Authenticator } from './authenticator';
import { EnvKeyVerifier } from './env-keys.verifier';
import { Allow, AUTHENTICATOR, CurrentPrincipal, PolicyGuard, Public } from './policy';
import type { Principal } from './principal';
import { declaredRoutes } from './route-policies';

@Controller('v1/notes')
class NotesController {
  @Get(':id')
  @Allow('reviewer')
  get(@CurrentPrincipal() p: Principal, @Param('id') id: string) {
    return { id, tenant: p.tenantId, actor: p.actor.id };
  }

  @Post(':id/approve')
  @Allow('approver')
  approve(@CurrentPrincipal() p: Principal) {
    return { approvedBy: p.actor.id };
  }

  @Get('/')
  @Public()
  open() {
    return { ok: true };
  }
}

const keys = 'acme-reviewer-key-0001:acme:reviewer,acme-approver-key-0001:acme:approver';
const authProviders = [
  { provide: AUTHENTICATOR, useValue: new Authenticator([EnvKeyVerifier.parse(keys)]) },
  { provide: APP_GUARD, useClass: PolicyGuard },
];

@Module({ controllers: [NotesController], providers: authProviders })
class PolicyTestModule {}

@Controller('v1/forgotten')
class ForgottenController {
  @Get()
  list() {
    return [];
  }
}

@Module({ controllers: [NotesController, ForgottenController], providers: authProviders })
class MissingPolicyModule {}

describe('deny by default', () => {
  const logger = createLogger('dreaming', 'silent');
  let service: ServiceHandle;
  const call = async (method: string, path: string, key?: string) => {
    const res = await fetch(`${service.url}${path}`, { method, headers: key ? { 'x-api-key': key } : {} });
    return { status: res.status, type: res.headers.get('content-type') ?? '', auth: res.headers.get('www-authenticate'), body: await res.json().catch(() => undefined) };
  };

  beforeAll(async () => {
    service = await bootstrapService({ service: 'dreaming', module: PolicyTestModule, logger, port: 0, host: '127.0.0.1', handleSignals: false });
  });
  afterAll(async () => service.shutdown('test done'));

  it('answers 401 problem+json without a credential, 403 without the role, and takes the tenant and actor from the key', async () => {
    const anonymous = await call('GET', '/v1/notes/n1');
    expect(anonymous).toMatchObject({ status: 401, auth: 'Bearer', body: { title: 'Unauthorized' } });
    expect(anonymous.type).toContain('application/problem+json');
    expect(await call('GET', '/v1/notes/n1', 'not-a-known-key-0000')).toMatchObject({ status: 401, body: { detail: 'the API key is not valid' } });
    expect(await call('GET', '/v1/notes/n1', 'acme-reviewer-key-0001')).toMatchObject({ status: 200, body: { id: 'n1', tenant: 'acme', actor: 'key:env-1' } });
    expect(await call('POST', '/v1/notes/n1/approve', 'acme-reviewer-key-0001')).toMatchObject({ status: 403, body: { detail: expect.stringMatching(/needs one of the roles approver/) } });
    expect(await call('POST', '/v1/notes/n1/approve', 'acme-approver-key-0001')).toMatchObject({ status: 201, body: { approvedBy: 'key:env-2' } });
    expect((await call('GET', '/v1/notes')).status).toBe(200);
  });

  it('judges the route the router matched, however the path is written', async () => {
    expect((await call('GET', '/%76%31/notes/n1')).status).toBe(401);
    expect((await call('GET', '/v1/NOTES/n1')).status).toBe(404);
  });

  it('lists every route with its policy, and refuses to start an app with a route that declares none', async () => {
    const app = await createServiceApp({ service: 'dreaming', module: PolicyTestModule, logger }).catch((e: Error) => e);
    if (app instanceof Error) throw app;
    expect(declaredRoutes(app).map((r) => `${r.path} ${JSON.stringify(r.policy)}`).sort()).toEqual([
      '/v1/notes {"public":true}', '/v1/notes/:id {"roles":["reviewer"]}', '/v1/notes/:id/approve {"roles":["approver"]}',
    ]);
    await app.close();
    await expect(createServiceApp({ service: 'dreaming', module: MissingPolicyModule, logger })).rejects.toThrow(/routes without an access policy .*ForgottenController\.list \/v1\/forgotten/);
  });
});

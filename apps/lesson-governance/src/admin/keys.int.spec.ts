import { ROUTES } from '@reverie/contracts';
import type { ServiceHandle } from '@reverie/service-kit';
import { natsTestEnv, pgTestEnv, TEST_NATS_URL, type NatsTestEnv, type PgTestEnv } from '@reverie/testing';
import { CONSUMERS } from '@reverie/event-store';
import { createApp } from '../app.factory';
import { loadGovernanceConfig } from '../config/governance.config';
import { ADMIN_KEYS_ROUTE, type CreatedKey, type KeyView } from './key-requests';

const ACME_ADMIN = 'acme-admin-key-000000001';
const GLOBEX_ADMIN = 'globex-admin-key-0000001';
const ACME_REVIEWER = 'acme-reviewer-key-000001';

describe('keys admin API (real NATS and Postgres, through HTTP)', () => {
  let nats: NatsTestEnv;
  let pg: PgTestEnv;
  let app: ServiceHandle;

  const call = async (method: string, path: string, key?: string, body?: unknown) => {
    const res = await fetch(`${app.url}${path}`, {
      method,
      headers: { ...(key && { 'x-api-key': key }), ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, text, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any -- the test reads JSON answers of several shapes
  };

  beforeAll(async () => {
    nats = await natsTestEnv({ consumers: CONSUMERS });
    pg = await pgTestEnv();
    app = await createApp(loadGovernanceConfig({
      NATS_URL: TEST_NATS_URL, DATABASE_URL: pg.url, REVERIE_NAMESPACE: nats.topology.namespace, PORT: '0', LOG_LEVEL: 'silent',
      REVERIE_API_KEYS: `${ACME_ADMIN}:acme:admin,${GLOBEX_ADMIN}:globex:admin,${ACME_REVIEWER}:acme:reviewer`,
    }), { handleSignals: false });
  });
  afterAll(async () => {
    await app?.shutdown('test done');
    await nats?.cleanup();
    await pg?.cleanup();
  });

  it('creates a reviewer key that works on reviewer routes only, lists it without its secret, and revokes it within a second', async () => {
    const created = await call('POST', ADMIN_KEYS_ROUTE, ACME_ADMIN, { name: 'rita', roles: ['reviewer'] });
    expect(created.status).toBe(201);
    expect(created.headers.get('cache-control')).toBe('no-store');
    const key = created.body as CreatedKey;
    expect(key).toEqual({ keyId: expect.stringMatching(/^[0-9a-f]{12}$/), token: expect.stringMatching(/^rvk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/), tenantId: 'acme', name: 'rita', roles: ['reviewer'], createdAt: expect.any(String) });
    expect(key.token).toContain(key.keyId);

    // A reviewer route answers; an admin route does not.
    expect((await call('GET', ROUTES.lessons, key.token)).status).toBe(200);
    const forbidden = await call('GET', ADMIN_KEYS_ROUTE, key.token);
    expect(forbidden).toMatchObject({ status: 403, body: { detail: expect.stringMatching(/needs one of the roles admin; the credential has reviewer/) } });
    expect((await call('POST', ADMIN_KEYS_ROUTE, key.token, { name: 'rita-2', roles: ['admin'] })).status).toBe(403);
    expect((await call('DELETE', `${ADMIN_KEYS_ROUTE}/${key.keyId}`, key.token)).status).toBe(403);

    // Listed for its tenant's admin, with who created it, and nothing secret.
    const listed = await call('GET', ADMIN_KEYS_ROUTE, ACME_ADMIN);
    expect(listed.status).toBe(200);
    expect(listed.body as KeyView[]).toEqual([{ keyId: key.keyId, tenantId: 'acme', name: 'rita', roles: ['reviewer'], status: 'active', createdAt: key.createdAt, createdBy: 'key:env-1' }]);
    const secret = key.token.slice(`rvk_${key.keyId}_`.length);
    expect(listed.text).not.toContain(secret);
    expect(listed.text).not.toMatch(/token|secret|hash/i);
    // Another tenant's admin neither sees it nor can revoke it.
    expect((await call('GET', ADMIN_KEYS_ROUTE, GLOBEX_ADMIN)).body).toEqual([]);
    expect((await call('DELETE', `${ADMIN_KEYS_ROUTE}/${key.keyId}`, GLOBEX_ADMIN)).status).toBe(404);
    expect((await call('GET', ROUTES.lessons, key.token)).status).toBe(200);

    // Revoked by acme's admin: the actor recorded is the admin's credential.
    const revoked = await call('DELETE', `${ADMIN_KEYS_ROUTE}/${key.keyId}`, ACME_ADMIN);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ keyId: key.keyId, status: 'revoked', revokedAt: expect.any(String), revokedBy: 'key:env-1' });
    const revokedAt = Date.now();
    let status = 200;
    while (Date.now() - revokedAt <= 1000) {
      status = (await call('GET', ROUTES.lessons, key.token)).status;
      if (status === 401) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toBe(401);
    expect(Date.now() - revokedAt).toBeLessThanOrEqual(1000);
    expect((await call('GET', ROUTES.lessons, key.token)).body).toMatchObject({ detail: 'the API key was revoked' });
    // Revoking again answers the same view; the list keeps the revoked key for the audit.
    expect((await call('DELETE', `${ADMIN_KEYS_ROUTE}/${key.keyId}`, ACME_ADMIN)).body).toMatchObject({ status: 'revoked', revokedAt: revoked.body.revokedAt });
    expect((await call('GET', ADMIN_KEYS_ROUTE, ACME_ADMIN)).body).toEqual([expect.objectContaining({ keyId: key.keyId, status: 'revoked', revokedBy: 'key:env-1' })]);
  });

  it('refuses without the admin role, and a body naming a tenant, an unknown role, a taken or reserved name', async () => {
    expect((await call('GET', ADMIN_KEYS_ROUTE)).status).toBe(401);
    expect((await call('POST', ADMIN_KEYS_ROUTE, undefined, { name: 'x', roles: ['reviewer'] })).status).toBe(401);
    expect((await call('GET', ADMIN_KEYS_ROUTE, ACME_REVIEWER)).status).toBe(403);
    const bad = async (body: unknown) => call('POST', ADMIN_KEYS_ROUTE, ACME_ADMIN, body);
    expect(await bad({ name: 'ci', roles: ['ingest'], tenantId: 'globex' })).toMatchObject({ status: 400, body: { detail: expect.stringMatching(/tenantId: not accepted/) } });
    expect(await bad({ name: 'ci', roles: ['wizard'] })).toMatchObject({ status: 400, body: { detail: expect.stringMatching(/body\.roles\.0: expected one of ingest, agent, reviewer, approver, admin/) } });
    expect(await bad({ name: 'ci', roles: [] })).toMatchObject({ status: 400, body: { detail: expect.stringMatching(/at least one role/) } });
    expect(await bad({ name: 'env-1', roles: ['admin'] })).toMatchObject({ status: 400, body: { detail: expect.stringMatching(/operator keys/) } });
    expect(await bad({ name: 'a b', roles: ['ingest'] })).toMatchObject({ status: 400 });
    expect(await bad({ name: 'ci', roles: ['ingest'], extra: 1 })).toMatchObject({ status: 400, body: { detail: expect.stringMatching(/unknown field\(s\) extra/) } });
    expect((await bad({ name: 'ci', roles: ['ingest', 'ingest'] })).body).toMatchObject({ name: 'ci', roles: ['ingest'] });
    expect(await bad({ name: 'ci', roles: ['agent'] })).toMatchObject({ status: 409, body: { detail: expect.stringMatching(/already has a key named ci/) } });
    // Names are per tenant.
    expect((await call('POST', ADMIN_KEYS_ROUTE, GLOBEX_ADMIN, { name: 'ci', roles: ['ingest'] })).body).toMatchObject({ tenantId: 'globex', name: 'ci' });
    expect((await call('DELETE', `${ADMIN_KEYS_ROUTE}/not-a-key`, ACME_ADMIN)).status).toBe(400);
    expect((await call('DELETE', `${ADMIN_KEYS_ROUTE}/0123456789ab`, ACME_ADMIN)).status).toBe(404);
  });
});

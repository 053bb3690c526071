import { generateKeyPair, SignJWT, UnsecuredJWT, type JWTPayload } from 'jose';
import { LOCAL_ISSUER_AUDIENCE as AUDIENCE, LocalIssuer } from '../testing/local-issuer';
import { ConfigError, loadConfig } from '../config/config';
import { Authenticator, requireRole } from './authenticator';
import { jwtVerifierFromConfig, JwtVerifier, oidcConfigSchema, rolesOfClaim } from './jwt.verifier';
import { AuthError } from './principal';


/** The status and detail of an AuthError, or a failure if the promise did not reject with one. */
async function refusal(p: Promise<unknown>): Promise<{ status: number; detail: string }> {
  try {
    await p;
  } catch (e) {
    if (!(e instanceof AuthError)) throw e;
    return { status: e.getStatus(), detail: (e.getResponse() as { detail: string }).detail };
  }
  throw new Error('expected an AuthError');
}

describe('JwtVerifier', () => {
  let issuer: LocalIssuer;
  let verifier: JwtVerifier;

  beforeAll(async () => {
    issuer = await LocalIssuer.start();
    verifier = new JwtVerifier({ issuer: issuer.url, audience: AUDIENCE });
  });
  afterAll(() => issuer.close());

  /** Refused with 401, with a message matching `what` that does not quote the token. */
  async function expect401(token: string, what: RegExp, v: JwtVerifier = verifier): Promise<void> {
    const { status, detail } = await refusal(v.verify(token));
    expect(status).toBe(401);
    expect(detail).toMatch(what);
    expect(detail).not.toContain(token);
    for (const part of token.split('.').filter((p) => p.length > 8)) expect(detail).not.toContain(part);
  }

  it('turns a valid token into a principal: tenant, roles, the user as actor, the issuer and subject as credential', async () => {
    const p = await verifier.verify(await issuer.sign());
    expect(p).toEqual({
      tenantId: 'acme',
      actor: { kind: 'user', id: 'user-42' },
      roles: new Set(['reviewer', 'approver']),
      credential: { type: 'jwt', issuer: issuer.url, subject: 'user-42' },
    });
    expect(issuer.jwksRequests).toBe(1);
    await verifier.verify(await issuer.sign({ sub: 'user-43' }));
    expect(issuer.jwksRequests).toBe(1); // the key set is cached
  });

  it('accepts an audience array that contains ours, and a token expired within the clock tolerance', async () => {
    await expect(verifier.verify(await issuer.sign({ aud: ['other-api', AUDIENCE] }))).resolves.toMatchObject({ tenantId: 'acme' });
    const now = Math.floor(Date.now() / 1000);
    await expect(verifier.verify(await issuer.sign({}, { exp: now - 10 }))).resolves.toMatchObject({ tenantId: 'acme' });
  });

  it('ignores roles it does not know; a roles string may be space or comma separated', async () => {
    const p = await verifier.verify(await issuer.sign({ reverie_roles: ['reviewer', 'superuser', 'root', 42] }));
    expect([...p!.roles]).toEqual(['reviewer']);
    const q = await verifier.verify(await issuer.sign({ reverie_roles: 'ingest agent,admin  bogus' }));
    expect([...q!.roles].sort()).toEqual(['admin', 'agent', 'ingest']);
    expect(rolesOfClaim({ admin: true })).toEqual([]);
  });

  it('authenticates a token without roles as a principal with none, so every route answers 403', async () => {
    for (const roles of [undefined, [], 'owner', null]) {
      const p = await verifier.verify(await issuer.sign({ reverie_roles: roles as JWTPayload[string] }));
      expect(p!.roles.size).toBe(0);
      await expect(refusal(Promise.resolve().then(() => requireRole(p!, ['reviewer'])))).resolves.toMatchObject({ status: 403 });
    }
  });

  it('refuses an expired token, naming the expiry', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expect401(await issuer.sign({}, { exp: now - 120 }), /expired at \d{4}-/);
  });

  it('refuses a user claim that would pass as an API key in the audit', async () => {
    await expect401(await issuer.sign({ sub: 'key:ops-admin' }), /must not start with "key:"/);
  });

  it('refuses a token without an expiry', async () => {
    await expect401(await issuer.sign({ exp: undefined }), /expiry \(exp/);
  });

  it('refuses a token that is not valid yet', async () => {
    await expect401(await issuer.sign({ nbf: Math.floor(Date.now() / 1000) + 600 }), /not valid yet/);
  });

  it('refuses a token for another audience, or with none', async () => {
    await expect401(await issuer.sign({ aud: 'billing-api' }), /audience \(aud\) is not reverie-api/);
    await expect401(await issuer.sign({ aud: undefined }), /audience/);
  });

  it('refuses a token from another issuer', async () => {
    await expect401(await issuer.sign({ iss: 'https://evil.example.com' }), /issuer \(iss\) is not the configured issuer/);
    await expect401(await issuer.sign({ iss: `${issuer.url}/` }), /issuer/);
  });

  it('refuses a token signed by a key pair that is not in the JWKS', async () => {
    const other = await generateKeyPair('ES256');
    // Claiming the issuer's key id: the signature does not verify.
    await expect401(await issuer.sign({}, { key: other.privateKey }), /signature does not verify/);
    // Another key id: no key of the issuer matches.
    await expect401(await issuer.sign({}, { key: other.privateKey, kid: 'attacker-key' }), /not signed by any of the issuer's keys/);
    // A token whose payload was altered after signing.
    const [h, , s] = (await issuer.sign()).split('.');
    const forged = Buffer.from(JSON.stringify({ iss: issuer.url, aud: AUDIENCE, sub: 'user-42', exp: Math.floor(Date.now() / 1000) + 300, reverie_tenant: 'globex', reverie_roles: ['admin'] })).toString('base64url');
    await expect401(`${h}.${forged}.${s}`, /signature/);
  });

  it('refuses a token without a valid tenant claim', async () => {
    await expect401(await issuer.sign({ reverie_tenant: undefined }), /no reverie_tenant claim/);
    await expect401(await issuer.sign({ reverie_tenant: '' }), /no reverie_tenant claim/);
    await expect401(await issuer.sign({ reverie_tenant: 'acme.evil' }), /reverie_tenant claim must be a tenant id/);
    await expect401(await issuer.sign({ reverie_tenant: 'x'.repeat(129) }), /reverie_tenant claim must be a tenant id/);
    await expect401(await issuer.sign({ reverie_tenant: ['acme'] }), /reverie_tenant claim must be a tenant id/);
  });

  it('refuses a token without the actor claim', async () => {
    await expect401(await issuer.sign({ sub: undefined }), /no sub claim naming the user/);
  });

  it('leaves a credential that is not a JWT to the other verifiers', async () => {
    for (const token of ['rvk_0123456789ab_' + 'a'.repeat(43), 'reverie-local-dev-key', 'a.b', 'a.b.c.d', 'a+b.c.d', 'a.b/c.d', '..', '']) {
      await expect(verifier.verify(token)).resolves.toBeUndefined();
    }
    expect(issuer.jwksRequests).toBe(1);
  });

  it('refuses unsigned (alg none) and HMAC-signed tokens, without fetching keys', async () => {
    const fresh = await LocalIssuer.start();
    const v = new JwtVerifier({ issuer: fresh.url, audience: AUDIENCE });
    try {
      const claims = { iss: fresh.url, aud: AUDIENCE, sub: 'user-42', exp: Math.floor(Date.now() / 1000) + 300, reverie_tenant: 'acme', reverie_roles: ['admin'] };
      await expect401(new UnsecuredJWT(claims).encode(), /unsigned \(alg "none"\)/, v);
      const none = `${Buffer.from('{"alg":"NONE","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
      await expect401(none, /unsigned/, v);
      const secret = new TextEncoder().encode('a shared secret of at least 32 bytes!!');
      for (const alg of ['HS256', 'HS512']) {
        const hs = await new SignJWT(claims).setProtectedHeader({ alg }).sign(secret);
        await expect401(hs, new RegExp(`algorithm "${alg}" is not accepted`), v);
      }
      await expect401(`${Buffer.from('not json').toString('base64url')}.e30.c2ln`, /not a well-formed JWT/, v);
      expect(fresh.jwksRequests).toBe(0);
    } finally {
      await fresh.close();
    }
  });

  it('accepts RS256 from an RSA issuer', async () => {
    const rsa = await LocalIssuer.start('RS256');
    try {
      const v = new JwtVerifier({ issuer: rsa.url, audience: AUDIENCE });
      await expect(v.verify(await rsa.sign({}, { alg: 'RS256' }))).resolves.toMatchObject({ tenantId: 'acme' });
    } finally {
      await rsa.close();
    }
  });

  it('answers 401 naming the keys when the JWKS cannot be fetched', async () => {
    const gone = await LocalIssuer.start();
    const token = await gone.sign();
    await gone.close();
    await expect401(token, /signing keys could not be fetched/, new JwtVerifier({ issuer: gone.url, audience: AUDIENCE }));
  });
});

describe('jwtVerifierFromConfig', () => {
  it('is undefined when no issuer is configured', () => {
    expect(jwtVerifierFromConfig(loadConfig(oidcConfigSchema, {}))).toBeUndefined();
  });

  it('reads the issuer, audience and claims, with the defaults', () => {
    const v = jwtVerifierFromConfig(loadConfig(oidcConfigSchema, { REVERIE_OIDC_ISSUER: 'https://login.example.com/', REVERIE_OIDC_AUDIENCE: 'reverie' }))!;
    expect(v).toBeInstanceOf(JwtVerifier);
    expect(v).toMatchObject({
      issuer: 'https://login.example.com/', audience: 'reverie', jwksUrl: 'https://login.example.com/.well-known/jwks.json',
      tenantClaim: 'reverie_tenant', rolesClaim: 'reverie_roles', actorClaim: 'sub',
    });
    const w = jwtVerifierFromConfig(loadConfig(oidcConfigSchema, {
      REVERIE_OIDC_ISSUER: 'https://kc.example.com/realms/acme', REVERIE_OIDC_AUDIENCE: 'reverie',
      REVERIE_OIDC_JWKS_URL: 'https://kc.example.com/realms/acme/protocol/openid-connect/certs',
      REVERIE_OIDC_TENANT_CLAIM: 'org', REVERIE_OIDC_ROLES_CLAIM: 'groups', REVERIE_OIDC_ACTOR_CLAIM: 'email',
    }))!;
    expect(w).toMatchObject({ jwksUrl: 'https://kc.example.com/realms/acme/protocol/openid-connect/certs', tenantClaim: 'org', rolesClaim: 'groups', actorClaim: 'email' });
  });

  it('refuses an issuer without an audience, or an audience or JWKS URL without an issuer', () => {
    const problems = (env: NodeJS.ProcessEnv) => {
      try {
        jwtVerifierFromConfig(loadConfig(oidcConfigSchema, env));
      } catch (e) {
        if (e instanceof ConfigError) return e.problems;
        throw e;
      }
      throw new Error('expected a ConfigError');
    };
    expect(problems({ REVERIE_OIDC_ISSUER: 'https://login.example.com' })).toEqual([{ variable: 'REVERIE_OIDC_AUDIENCE', message: 'required when REVERIE_OIDC_ISSUER is set (not set)' }]);
    expect(problems({ REVERIE_OIDC_AUDIENCE: 'reverie' })).toEqual([{ variable: 'REVERIE_OIDC_ISSUER', message: 'required when REVERIE_OIDC_AUDIENCE is set (not set)' }]);
  });

  it('wants the issuer and the JWKS over https (http only to localhost)', () => {
    const e = (() => {
      try {
        loadConfig(oidcConfigSchema, { REVERIE_OIDC_ISSUER: 'http://login.example.com', REVERIE_OIDC_AUDIENCE: 'r', REVERIE_OIDC_JWKS_URL: 'not a url' });
      } catch (err) {
        return err as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(e.problems.map((p) => p.variable)).toEqual(['REVERIE_OIDC_ISSUER', 'REVERIE_OIDC_JWKS_URL']);
    expect(loadConfig(oidcConfigSchema, { REVERIE_OIDC_ISSUER: 'http://localhost:8080/realms/dev' }).REVERIE_OIDC_ISSUER).toBe('http://localhost:8080/realms/dev');
  });

  it('uses the configured claims against a local issuer', async () => {
    const issuer = await LocalIssuer.start();
    try {
      const v = jwtVerifierFromConfig(loadConfig(oidcConfigSchema, {
        REVERIE_OIDC_ISSUER: issuer.url, REVERIE_OIDC_AUDIENCE: AUDIENCE,
        REVERIE_OIDC_TENANT_CLAIM: 'https://reverie.dev/tenant', REVERIE_OIDC_ROLES_CLAIM: 'groups', REVERIE_OIDC_ACTOR_CLAIM: 'email',
      }))!;
      const token = await issuer.sign({ reverie_tenant: undefined, reverie_roles: undefined, 'https://reverie.dev/tenant': 'globex', groups: 'reviewer', email: 'ada@example.com' });
      await expect(v.verify(token)).resolves.toEqual({
        tenantId: 'globex',
        actor: { kind: 'user', id: 'ada@example.com' },
        roles: new Set(['reviewer']),
        credential: { type: 'jwt', issuer: issuer.url, subject: 'user-42' },
      });
    } finally {
      await issuer.close();
    }
  });
});

describe('Authenticator with a JwtVerifier', () => {
  let issuer: LocalIssuer;
  let auth: Authenticator;

  beforeAll(async () => {
    issuer = await LocalIssuer.start();
    auth = new Authenticator([new JwtVerifier({ issuer: issuer.url, audience: AUDIENCE })]);
  });
  afterAll(() => issuer.close());

  it('authenticates Authorization: Bearer <jwt>', async () => {
    const p = await auth.authenticate({ authorization: `Bearer ${await issuer.sign()}` });
    expect(p).toMatchObject({ tenantId: 'acme', actor: { kind: 'user', id: 'user-42' }, credential: { type: 'jwt' } });
    expect(() => requireRole(p, ['approver'])).not.toThrow();
    expect(() => requireRole(p, ['admin'])).toThrow(AuthError);
  });

  it('answers 401 for a bad JWT, and for a credential no verifier recognises', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expect(refusal(auth.authenticate({ authorization: `Bearer ${await issuer.sign({}, { exp: now - 3600 })}` }))).resolves.toMatchObject({ status: 401, detail: expect.stringMatching(/expired/) });
    await expect(refusal(auth.authenticate({ authorization: 'Bearer not-a-jwt' }))).resolves.toEqual({ status: 401, detail: 'the credential is not valid' });
    await expect(refusal(auth.authenticate({}))).resolves.toMatchObject({ status: 401, detail: expect.stringMatching(/a credential is required/) });
  });
});

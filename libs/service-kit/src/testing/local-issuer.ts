import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

/** The audience the local issuer's tokens are for. */
export const LOCAL_ISSUER_AUDIENCE = 'reverie-api';
const AUDIENCE = LOCAL_ISSUER_AUDIENCE;

/** A local OIDC issuer: its own key pair, and its JWKS served over HTTP on 127.0.0.1. */
export class LocalIssuer {
  jwksRequests = 0;
  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly privateKey: CryptoKey,
    readonly kid: string,
  ) {}

  static async start(alg: 'ES256' | 'RS256' = 'ES256', kid = 'issuer-key-1'): Promise<LocalIssuer> {
    const { publicKey, privateKey } = await generateKeyPair(alg);
    const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
    const holder: { issuer?: LocalIssuer } = {};
    const server = createServer((req, res) => {
      if (req.url === '/.well-known/jwks.json') {
        if (holder.issuer) holder.issuer.jwksRequests++;
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    holder.issuer = new LocalIssuer(server, `http://127.0.0.1:${port}`, privateKey, kid);
    return holder.issuer;
  }

  /** A token from this issuer for `reverie-api`, valid for 5 minutes, with the claims given (undefined removes one). */
  sign(claims: JWTPayload = {}, opts: { key?: CryptoKey; kid?: string; alg?: string; exp?: number } = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const payload: JWTPayload = { iss: this.url, aud: AUDIENCE, sub: 'user-42', iat: now, exp: now + 300, reverie_tenant: 'acme', reverie_roles: ['reviewer', 'approver'], ...(opts.exp !== undefined ? { exp: opts.exp } : {}), ...claims };
    for (const k of Object.keys(payload)) if (payload[k] === undefined) delete payload[k];
    return new SignJWT(payload).setProtectedHeader({ alg: opts.alg ?? 'ES256', kid: opts.kid ?? this.kid, typ: 'JWT' }).sign(opts.key ?? this.privateKey);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}


import { presentedCredential } from './api-key-token';
import { AuthError, type CredentialVerifier, type Principal } from './principal';
import type { Role } from './roles';

/** Tries each verifier in turn; the first that recognises the credential decides. */
export class Authenticator {
  constructor(private readonly verifiers: readonly CredentialVerifier[]) {}

  async authenticate(headers: Record<string, string | string[] | undefined>): Promise<Principal> {
    const token = presentedCredential(headers);
    if (!token) throw new AuthError(401, 'a credential is required: send an API key in the x-api-key header or a token as Authorization: Bearer <token>');
    return this.verifyToken(token);
  }

  async verifyToken(token: string): Promise<Principal> {
    for (const v of this.verifiers) {
      const principal = await v.verify(token);
      if (principal) return principal;
    }
    throw new AuthError(401, 'the credential is not valid');
  }
}

/** 403 naming the roles the route allows, unless the principal has one of them. */
export function requireRole(principal: Principal, allowed: readonly Role[]): void {
  if (!allowed.some((r) => principal.roles.has(r))) {
    throw new AuthError(403, `this needs one of the roles ${allowed.join(', ')}; the credential has ${[...principal.roles].join(', ') || 'none'}`);
  }
}

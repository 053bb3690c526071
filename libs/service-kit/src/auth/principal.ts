import { HttpException } from '@nestjs/common';
import type { Role } from './roles';

/**
 * Who is calling, as a verified credential says: the tenant and the actor come from here and
 * nowhere else (never from a header, path or body the caller wrote).
 */
export interface Principal {
  tenantId: string;
  /** The actor recorded on what this request causes: a person for a JWT, the key's name for an API key. */
  actor: { kind: 'user' | 'service'; id: string };
  roles: ReadonlySet<Role>;
  credential: { type: 'api-key'; keyId: string; name: string; owner?: string; agentId?: string } | { type: 'jwt'; issuer: string; subject: string };
}

/**
 * The identities accountable for what this caller sends: its actor and, for an API key, the
 * person who owns the key. Ingest records them on every session event, and separation of duties
 * keeps each of them from approving a lesson that evidence supports.
 */
/** The agent an agent key is bound to, if it is bound to one. */
export const boundAgentOf = (p: Principal): string | undefined => (p.credential.type === 'api-key' ? p.credential.agentId : undefined);

export function accountableIds(p: Principal): string[] {
  const owner = p.credential.type === 'api-key' ? p.credential.owner : undefined;
  return owner && owner !== p.actor.id ? [p.actor.id, owner] : [p.actor.id];
}

/** A refused credential: 401 when there is none or it is not valid, 403 when it lacks the role. */
export class AuthError extends HttpException {
  constructor(status: 401 | 403, message: string) {
    super({ title: status === 401 ? 'Unauthorized' : 'Forbidden', detail: message, message }, status);
    this.name = 'AuthError';
  }
}

/** One kind of credential: `undefined` when the token is not of this kind, so the next verifier tries. */
export interface CredentialVerifier {
  verify(token: string): Promise<Principal | undefined>;
}

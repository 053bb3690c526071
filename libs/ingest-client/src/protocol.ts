import type { IngestRejection, IngestResult, SessionOutcome } from '@reverie/contracts';

/**
 * The wire protocol of session-ingest shared by the service and this client. (Candidates for
 * @reverie/contracts; kept here until they move.)
 */

/** NATS request header carrying the ingest API key on `topology.command('ingest')`. */
export const NATS_API_KEY_HEADER = 'Reverie-Api-Key';
/** NATS reply header with the HTTP-equivalent status of the answer (202, 207, 400, 401, 403, 413, 503). */
export const NATS_STATUS_HEADER = 'Reverie-Status';

/** What the service answers for an accepted batch: IngestResult plus what redaction removed. */
export interface IngestResponse extends IngestResult {
  rejected: IngestRejectionDetail[];
  /** Redactions applied to the accepted events, per kind (counts, never values). */
  redactions: Record<string, number>;
}

/** A rejected event: its index in the batch, its id when it had one, why, and the field at fault. */
export interface IngestRejectionDetail extends IngestRejection {
  /** Path of the offending field, e.g. `data.isError`, when one field is at fault. */
  field?: string;
}

/** RFC 9457 problem details, as the service answers a request it refuses as a whole. */
export interface IngestProblem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  [extension: string]: unknown;
}

/** The body of a NATS ingest reply: the response, or `{ error }` with a problem. */
export type IngestReply = IngestResponse | { error: IngestProblem };

/** One session as the ingest read model sees it (`GET /v1/sessions`, `GET /v1/sessions/:id`). */
export interface IngestSessionView {
  tenantId: string;
  sessionId: string;
  agentId?: string;
  userId?: string;
  source?: string;
  parentSessionId?: string;
  startedAt?: string;
  endedAt?: string;
  outcome?: SessionOutcome;
  events: number;
  messages: number;
  toolCalls: number;
  toolErrors: number;
  redactions: Record<string, number>;
  lastSeq: number;
}

export const SESSIONS_ROUTE = '/v1/sessions';
export const sessionRoute = (id: string) => `/v1/sessions/${encodeURIComponent(id)}`;

/** Who the presented credential is (`GET /v1/whoami`, any role): what the server, not the caller, says. */
export const WHOAMI_ROUTE = '/v1/whoami';
export interface WhoAmI {
  tenantId: string;
  actor: { kind: 'user' | 'service'; id: string };
  roles: string[];
  credential: { type: 'api-key'; keyId: string; name: string } | { type: 'jwt'; issuer: string; subject: string };
}

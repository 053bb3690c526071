import type { Actor } from '@reverie/contracts';
import type { Principal } from '@reverie/service-kit';

/**
 * The actor of a review decision: the verified caller, under the id its credential gives it (a
 * person's subject for a token, `key:<name>` for an API key acting under its name). Its kind is
 * `reviewer`, the capacity it decides in: the route's role check (reviewer/approver) already
 * said it may decide, so the decider's rule that only reviewers decide holds for it, and a
 * service such as dreaming, which never comes through this API, still cannot. Separation of
 * duties compares these ids, so it judges the real identity.
 */
export function decisionActor(principal: Principal): Actor {
  return { kind: 'reviewer', id: principal.actor.id };
}

/**
 * The actor of a dream's proposal: the dreaming service. Governance sets it, the request cannot:
 * only the dreaming NATS user may publish on the proposal subject (deploy/nats/nats-server.conf).
 */
export const DREAMING_SERVICE_ACTOR: Actor = { kind: 'service', id: 'dreaming' };

/** The actor of what governance's own clock does: promoting canaries whose period is over, expiring lessons past their review-by date. */
export const GOVERNANCE_CLOCK_ACTOR: Actor = { kind: 'system', id: 'lesson-governance' };

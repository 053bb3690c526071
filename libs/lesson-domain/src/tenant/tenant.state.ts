import type { QuarantinedSource, TenantEvent } from '@reverie/contracts';

/** A tenant's governance as its aggregate (`lessons.<tenant>._tenant`) says: its policy and its quarantined sources. */
export interface TenantState {
  /** The latest policy an admin set, as stored (the service validates and completes it); absent: the defaults. */
  policy?: Record<string, unknown>;
  policySetAt?: string;
  policySetBy?: string;
  quarantined: QuarantinedSource[];
  revocations: { revocationId: string; at: string; by: string; sources: QuarantinedSource[]; reason: string; lessons: number }[];
  erasures: { erasureId: string; at: string; by: string; reason: string; scope: { users: number; sessions: number }; artifacts: Record<string, number>; lessons: number }[];
}

export const initialTenantState = (): TenantState => ({ quarantined: [], revocations: [], erasures: [] });

const key = (s: QuarantinedSource) => `${s.kind}:${s.id}`;

export function evolveTenant(state: TenantState, event: TenantEvent): TenantState {
  switch (event.type) {
    case 'TenantPolicySet':
      return { ...state, policy: event.data.policy, policySetAt: event.occurredAt, policySetBy: event.actor.id };
    case 'SourcesQuarantined': {
      if (state.revocations.some((r) => r.revocationId === event.data.revocationId)) return state;
      const known = new Set(state.quarantined.map(key));
      const added = event.data.sources.filter((s) => !known.has(key(s)));
      const { revocationId, sources, reason, lessons } = event.data;
      return {
        ...state,
        quarantined: [...state.quarantined, ...added],
        revocations: [...state.revocations, { revocationId, at: event.occurredAt, by: event.actor.id, sources, reason, lessons: lessons.length }],
      };
    }
    case 'DataErased': {
      if (state.erasures.some((e) => e.erasureId === event.data.erasureId)) return state;
      const { erasureId, reason, scope, artifacts, lessons } = event.data;
      return { ...state, erasures: [...state.erasures, { erasureId, at: event.occurredAt, by: event.actor.id, reason, scope, artifacts, lessons: lessons.length }] };
    }
    default:
      return exhaustive(event);
  }
}

export const evolveTenantAll = (events: Iterable<TenantEvent>): TenantState => {
  let s = initialTenantState();
  for (const e of events) s = evolveTenant(s, e);
  return s;
};

/** Whether a session (by its id, root, users and ingesting identities) comes from a quarantined source. */
export function isQuarantined(quarantined: readonly QuarantinedSource[], session: { sessionId: string; rootId?: string; userIds?: readonly string[]; ingestedBy?: readonly string[] }): boolean {
  return quarantined.some((q) =>
    q.kind === 'session' ? q.id === session.sessionId || q.id === session.rootId
      : q.kind === 'user' ? (session.userIds ?? []).includes(q.id)
      : (session.ingestedBy ?? []).includes(q.id));
}

function exhaustive(x: never): never {
  throw new Error(`unknown tenant event type: ${(x as { type?: unknown }).type}`);
}

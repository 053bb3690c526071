import type { EntityManager } from 'typeorm';
import type { IngestSessionView } from '@reverie/ingest-client';
import type { SessionOutcome } from '@reverie/contracts';
import type { SessionDelta } from './session-summary';

type Queryable = Pick<EntityManager, 'query'>;

/**
 * Merges deltas into `ingest_sessions` in one statement: counts add up, redaction counts add up
 * per kind, the start time is the earliest, the last sequence the highest, and fields a delta
 * states replace the stored ones.
 */
export async function mergeSessionDeltas(db: Queryable, deltas: SessionDelta[]): Promise<void> {
  if (!deltas.length) return;
  const col = <T>(f: (d: SessionDelta) => T) => deltas.map(f);
  await db.query(
    `INSERT INTO ingest_sessions AS s (tenant_id, session_id, agent_id, user_id, source, parent_session_id, started_at, ended_at, outcome,
                                       events, messages, tool_calls, tool_errors, redactions, last_seq)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::timestamptz[], $9::text[],
                          $10::int[], $11::int[], $12::int[], $13::int[], $14::jsonb[], $15::bigint[])
     ON CONFLICT (tenant_id, session_id) DO UPDATE SET
       agent_id = COALESCE(EXCLUDED.agent_id, s.agent_id),
       user_id = COALESCE(EXCLUDED.user_id, s.user_id),
       source = COALESCE(EXCLUDED.source, s.source),
       parent_session_id = COALESCE(EXCLUDED.parent_session_id, s.parent_session_id),
       started_at = LEAST(s.started_at, EXCLUDED.started_at),
       ended_at = COALESCE(EXCLUDED.ended_at, s.ended_at),
       outcome = COALESCE(EXCLUDED.outcome, s.outcome),
       events = s.events + EXCLUDED.events,
       messages = s.messages + EXCLUDED.messages,
       tool_calls = s.tool_calls + EXCLUDED.tool_calls,
       tool_errors = s.tool_errors + EXCLUDED.tool_errors,
       redactions = (SELECT COALESCE(jsonb_object_agg(k, total), '{}'::jsonb)
                     FROM (SELECT k, sum(v::int) AS total
                           FROM (SELECT * FROM jsonb_each_text(s.redactions) UNION ALL SELECT * FROM jsonb_each_text(EXCLUDED.redactions)) AS kv(k, v)
                           GROUP BY k) AS summed),
       last_seq = GREATEST(s.last_seq, EXCLUDED.last_seq)`,
    [
      col((d) => d.tenantId), col((d) => d.sessionId), col((d) => d.agentId ?? null), col((d) => d.userId ?? null), col((d) => d.source ?? null),
      col((d) => d.parentSessionId ?? null), col((d) => d.startedAt ?? null), col((d) => d.endedAt ?? null), col((d) => d.outcome ?? null),
      col((d) => d.events), col((d) => d.messages), col((d) => d.toolCalls), col((d) => d.toolErrors),
      col((d) => JSON.stringify(d.redactions)), col((d) => d.lastSeq),
    ],
  );
}

interface SessionRow {
  tenant_id: string;
  session_id: string;
  agent_id: string | null;
  user_id: string | null;
  source: string | null;
  parent_session_id: string | null;
  started_at: Date | null;
  ended_at: Date | null;
  outcome: string | null;
  events: number;
  messages: number;
  tool_calls: number;
  tool_errors: number;
  redactions: Record<string, number>;
  last_seq: string;
}

const toView = (r: SessionRow): IngestSessionView => ({
  tenantId: r.tenant_id,
  sessionId: r.session_id,
  ...(r.agent_id !== null && { agentId: r.agent_id }),
  ...(r.user_id !== null && { userId: r.user_id }),
  ...(r.source !== null && { source: r.source }),
  ...(r.parent_session_id !== null && { parentSessionId: r.parent_session_id }),
  ...(r.started_at !== null && { startedAt: r.started_at.toISOString() }),
  ...(r.ended_at !== null && { endedAt: r.ended_at.toISOString() }),
  ...(r.outcome !== null && { outcome: r.outcome as SessionOutcome }),
  events: r.events,
  messages: r.messages,
  toolCalls: r.tool_calls,
  toolErrors: r.tool_errors,
  redactions: r.redactions,
  lastSeq: Number(r.last_seq),
});

/** A tenant's sessions, most recently written first. */
export async function listSessions(db: Queryable, tenantId: string, limit: number): Promise<IngestSessionView[]> {
  const rows: SessionRow[] = await db.query(
    'SELECT * FROM ingest_sessions WHERE tenant_id = $1 ORDER BY last_seq DESC, session_id LIMIT $2',
    [tenantId, limit],
  );
  return rows.map(toView);
}

export async function findSession(db: Queryable, tenantId: string, sessionId: string): Promise<IngestSessionView | undefined> {
  const rows: SessionRow[] = await db.query('SELECT * FROM ingest_sessions WHERE tenant_id = $1 AND session_id = $2', [tenantId, sessionId]);
  return rows[0] && toView(rows[0]);
}

export async function countSessions(db: Queryable, tenantId: string): Promise<number> {
  const rows: { n: string }[] = await db.query('SELECT count(*) AS n FROM ingest_sessions WHERE tenant_id = $1', [tenantId]);
  return Number(rows[0].n);
}

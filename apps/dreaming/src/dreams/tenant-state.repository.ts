import type { DataSource } from 'typeorm';
import { recountSessionsSinceDream } from '../session-starts/session-starts.projection';

export type ClaimResult =
  | { claimed: true; /** A dream whose claim had gone stale and was replaced (its process died). */ abandoned?: string }
  | { claimed: false; running: string };

export interface TenantState {
  tenantId: string;
  sessionsSinceDream: number;
  lastDreamToSeq: number;
  lastDreamId: string | null;
  runningDreamId: string | null;
}

/**
 * `dreaming_tenant_state`: where the last dream's window ended, how many sessions started since,
 * and the one-dream-at-a-time claim (a row lock decides between concurrent requests, also across
 * replicas of the service).
 */
export class TenantStateRepository {
  constructor(private readonly ds: DataSource) {}

  async claim(tenantId: string, dreamId: string, staleSeconds: number): Promise<ClaimResult> {
    return this.ds.transaction(async (m) => {
      await m.query(`INSERT INTO dreaming_tenant_state (tenant_id) VALUES ($1) ON CONFLICT (tenant_id) DO NOTHING`, [tenantId]);
      const [row]: { running_dream_id: string | null; stale: boolean }[] = await m.query(
        `SELECT running_dream_id, (running_since < now() - make_interval(secs => $2)) AS stale
         FROM dreaming_tenant_state WHERE tenant_id = $1 FOR UPDATE`,
        [tenantId, staleSeconds],
      );
      if (row.running_dream_id && !row.stale) return { claimed: false as const, running: row.running_dream_id };
      await m.query(`UPDATE dreaming_tenant_state SET running_dream_id = $2, running_since = now(), updated_at = now() WHERE tenant_id = $1`, [tenantId, dreamId]);
      return row.running_dream_id ? { claimed: true as const, abandoned: row.running_dream_id } : { claimed: true as const };
    });
  }

  /** The dream finished: the next window starts after `toSeq`; the session counter restarts from there. */
  async complete(tenantId: string, dreamId: string, toSeq: number): Promise<void> {
    await this.ds.transaction(async (m) => {
      await m.query(
        `UPDATE dreaming_tenant_state SET last_dream_to_seq = GREATEST(last_dream_to_seq, $3), last_dream_id = $2,
           running_dream_id = NULL, running_since = NULL, updated_at = now()
         WHERE tenant_id = $1 AND running_dream_id = $2`,
        [tenantId, dreamId, toSeq],
      );
      await recountSessionsSinceDream(m, tenantId);
    });
  }

  async release(tenantId: string, dreamId: string): Promise<void> {
    await this.ds.query(
      `UPDATE dreaming_tenant_state SET running_dream_id = NULL, running_since = NULL, updated_at = now() WHERE tenant_id = $1 AND running_dream_id = $2`,
      [tenantId, dreamId],
    );
  }

  async get(tenantId: string): Promise<TenantState | undefined> {
    const rows = await this.ds.query(`SELECT * FROM dreaming_tenant_state WHERE tenant_id = $1`, [tenantId]);
    return rows.length ? toState(rows[0]) : undefined;
  }

  async all(): Promise<TenantState[]> {
    const rows = await this.ds.query(`SELECT * FROM dreaming_tenant_state ORDER BY tenant_id`);
    return rows.map(toState);
  }
}

function toState(r: { tenant_id: string; sessions_since_dream: number; last_dream_to_seq: string; last_dream_id: string | null; running_dream_id: string | null }): TenantState {
  return {
    tenantId: r.tenant_id, sessionsSinceDream: Number(r.sessions_since_dream), lastDreamToSeq: Number(r.last_dream_to_seq),
    lastDreamId: r.last_dream_id, runningDreamId: r.running_dream_id,
  };
}

import type { DataSource } from 'typeorm';
import type { SessionCipher } from '@reverie/content-crypto';

export interface ServedVersion { lessonId: string; version: number; kind: string; text: string; arm: 'served' | 'withheld'; stage?: string }
export interface LiveThen { lessonId: string; version: number; kind: string; text: string; agentId: string | null; liveFrom: string; liveUntil: string | null }

export interface ServedAt {
  agentId: string;
  at: string;
  /** The last answer the agent got at or before `at` (for the session, when one is named). */
  answer?: { eventId: string; occurredAt: string; sessionId: string | null; askedBy: string; lessons: ServedVersion[] };
  /** Every lesson version live for the agent at `at` (its own and tenant-wide), whatever any one answer held. */
  liveThen: LiveThen[];
}

export interface BlastRadius {
  lessonId: string;
  /** Sessions it was handed to, and sessions it was withheld from (its control arm). */
  servedSessions: number;
  withheldSessions: number;
  agents: string[];
  versions: { version: number; liveFrom: string; liveUntil: string | null }[];
  sessions: { sessionId: string; agentId: string; arm: string; versions: number[]; firstAt: string; lastAt: string; answers: number }[];
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const MAX_SESSIONS = 5000;

/**
 * Forensics from agent-serving's projections of LESSONS and SERVING (which a replay rebuilds to the
 * same rows): what an agent was served at a time, with the texts as they were then, and where a
 * lesson went. Texts are stored sealed, as the log has them, and opened for the answer.
 */
export class ServingForensics {
  constructor(private readonly ds: DataSource, private readonly cipher: SessionCipher) {}

  async servedAt(tenantId: string, agentId: string, at: string, sessionId?: string): Promise<ServedAt> {
    const [last] = await this.ds.query(
      `SELECT event_id, occurred_at, session_id, actor, served, withheld FROM serving_served_log
       WHERE tenant_id = $1 AND agent_id = $2 AND occurred_at <= $3::timestamptz ${sessionId ? 'AND session_id = $4' : ''}
       ORDER BY occurred_at DESC, event_id DESC LIMIT 1`,
      sessionId ? [tenantId, agentId, at, sessionId] : [tenantId, agentId, at],
    ) as { event_id: string; occurred_at: Date; session_id: string | null; actor: string; served: { lessonId: string; version: number; stage?: string }[]; withheld: { lessonId: string; version: number }[] }[];
    const liveRows = await this.ds.query(
      `SELECT lesson_id, version, kind, text, agent_id, live_from, live_until FROM serving_lesson_versions
       WHERE tenant_id = $1 AND (agent_id IS NULL OR agent_id = $2) AND live_from <= $3::timestamptz AND (live_until IS NULL OR live_until > $3::timestamptz)
       ORDER BY live_from, lesson_id`,
      [tenantId, agentId, at],
    ) as { lesson_id: string; version: number; kind: string; text: string; agent_id: string | null; live_from: Date; live_until: Date | null }[];
    let answer: ServedAt['answer'];
    if (last) {
      const wanted = [...last.served.map((l) => ({ ...l, arm: 'served' as const })), ...last.withheld.map((l) => ({ ...l, arm: 'withheld' as const }))];
      const texts = wanted.length ? await this.ds.query(
        `SELECT lesson_id, version, kind, text FROM serving_lesson_versions v JOIN unnest($2::text[], $3::int[]) AS k(lesson_id, version) USING (lesson_id, version) WHERE v.tenant_id = $1`,
        [tenantId, wanted.map((w) => w.lessonId), wanted.map((w) => w.version)],
      ) as { lesson_id: string; version: number; kind: string; text: string }[] : [];
      const byKey = new Map(texts.map((t) => [`${t.lesson_id}@${t.version}`, t]));
      answer = {
        eventId: last.event_id, occurredAt: last.occurred_at.toISOString(), sessionId: last.session_id, askedBy: last.actor,
        lessons: wanted.map((w) => {
          const t = byKey.get(`${w.lessonId}@${w.version}`);
          return { lessonId: w.lessonId, version: w.version, kind: t?.kind ?? 'unknown', text: t?.text ?? '(this version was never live here)', arm: w.arm, ...('stage' in w && w.stage ? { stage: w.stage } : {}) };
        }),
      };
    }
    return this.cipher.openDeep(tenantId, {
      agentId, at, ...(answer && { answer }),
      liveThen: liveRows.map((r) => ({ lessonId: r.lesson_id, version: r.version, kind: r.kind, text: r.text, agentId: r.agent_id, liveFrom: r.live_from.toISOString(), liveUntil: iso(r.live_until) })),
    });
  }

  async blastRadius(tenantId: string, lessonId: string): Promise<BlastRadius> {
    const rows = await this.ds.query(
      `SELECT session_id, agent_id, arm, versions, first_at, last_at, answers FROM serving_lesson_sessions
       WHERE tenant_id = $1 AND lesson_id = $2 ORDER BY first_at, session_id`,
      [tenantId, lessonId],
    ) as { session_id: string; agent_id: string; arm: string; versions: number[]; first_at: Date; last_at: Date; answers: number }[];
    const versions = await this.ds.query(
      'SELECT version, live_from, live_until FROM serving_lesson_versions WHERE tenant_id = $1 AND lesson_id = $2 ORDER BY version',
      [tenantId, lessonId],
    ) as { version: number; live_from: Date; live_until: Date | null }[];
    return {
      lessonId,
      servedSessions: rows.filter((r) => r.arm === 'served').length,
      withheldSessions: rows.filter((r) => r.arm !== 'served').length,
      agents: [...new Set(rows.map((r) => r.agent_id))].sort(),
      versions: versions.map((v) => ({ version: v.version, liveFrom: v.live_from.toISOString(), liveUntil: iso(v.live_until) })),
      sessions: rows.slice(0, MAX_SESSIONS).map((r) => ({ sessionId: r.session_id, agentId: r.agent_id, arm: r.arm, versions: r.versions, firstAt: r.first_at.toISOString(), lastAt: r.last_at.toISOString(), answers: r.answers })),
    };
  }
}

import type { DataSource } from 'typeorm';
import { sessionEventSchema, type SessionEvent } from '@reverie/contracts';
import { extractSignals, type SessionSignals } from '@reverie/dreaming-domain';
import { replay, type EventStore, type StoredEvent } from '@reverie/event-store';

export interface DreamInputCounts {
  /** Sessions with at least one event in the window. */
  windowSessions: number;
  windowEvents: number;
  /** Sessions that also had events before the window: read whole from their aggregate. */
  sessionsReadWhole: number;
  /** Sessions whose signals could not be extracted (logged; they keep their previous signals). */
  sessionsFailed: number;
  /** Characters of the touched sessions that failed or hit a tool error: the naive LLM baseline sends them all. */
  failedTranscriptChars: number;
}

interface Options {
  store: EventStore;
  ds: DataSource;
  tenantId: string;
  /** SESSIONS stream sequences, inclusive; nothing is read when toSeq < fromSeq. */
  fromSeq: number;
  toSeq: number;
  checkStop: () => void;
  onSessionError?: (sessionId: string, err: Error) => void;
}

const UPSERT_CHUNK = 500;

/**
 * The incremental part of a dream: reads only the tenant's SESSIONS messages in the window,
 * computes each touched session's signals (reading the whole session from its aggregate when it
 * began before the window) and upserts them into `dreaming_session_signals`. A session is
 * extracted as soon as its SessionEnded is read, so memory holds only the sessions still open.
 */
export async function refreshSessionSignals(o: Options): Promise<DreamInputCounts> {
  const counts: DreamInputCounts = { windowSessions: 0, windowEvents: 0, sessionsReadWhole: 0, sessionsFailed: 0, failedTranscriptChars: 0 };
  if (o.toSeq < o.fromSeq) return counts;
  const open = new Map<string, StoredEvent<SessionEvent>[]>();
  const done = new Map<string, { signals: SessionSignals; lastSeq: number }>();
  const whole = new Map<string, number>(); // session → last stream seq in the window
  const seen = new Set<string>();

  const extract = (sessionId: string, events: StoredEvent<SessionEvent>[]) => {
    try {
      const signals = extractSignals(events.map((e) => e.event));
      done.set(sessionId, { signals, lastSeq: events[events.length - 1].seq });
      if (signals.outcome === 'failure' || signals.errors.length > 0) {
        for (const e of events) counts.failedTranscriptChars += JSON.stringify(e.event).length;
      }
    } catch (err) {
      counts.sessionsFailed++;
      o.onSessionError?.(sessionId, err as Error);
    }
  };
  /** Events before the window exist when the session has stored signals or its first event here is not its first. */
  const settle = (sessionId: string, events: StoredEvent<SessionEvent>[]) => {
    if (events.reduce((min, e) => Math.min(min, e.event.data.seq), Infinity) > 0) whole.set(sessionId, events[events.length - 1].seq);
    else extract(sessionId, events);
  };

  const filterSubject = o.store.topology.tenantWildcard('sessions', o.tenantId);
  for await (const batch of replay(o.store, 'sessions', sessionEventSchema, { fromSeq: o.fromSeq, filterSubject })) {
    o.checkStop();
    const inWindow = batch.filter((b) => b.seq <= o.toSeq);
    const fresh = [...new Set(inWindow.map((b) => b.event.streamId))].filter((s) => !seen.has(s));
    for (const s of fresh) seen.add(s);
    for (const s of await storedSessions(o.ds, o.tenantId, fresh)) whole.set(s, 0);
    for (const stored of inWindow) {
      const sessionId = stored.event.streamId;
      counts.windowEvents++;
      if (whole.has(sessionId)) {
        whole.set(sessionId, stored.seq);
        continue;
      }
      if (done.has(sessionId)) {
        // More events after its end (a late batch): read it whole at the end instead.
        done.delete(sessionId);
        whole.set(sessionId, stored.seq);
        continue;
      }
      const events = open.get(sessionId) ?? [];
      events.push(stored);
      open.set(sessionId, events);
      if (stored.event.type === 'SessionEnded') {
        open.delete(sessionId);
        settle(sessionId, events);
      }
    }
    if (inWindow.length < batch.length) break; // past the window's end
  }
  for (const [sessionId, events] of open) settle(sessionId, events);
  open.clear();
  counts.windowSessions = seen.size;

  for (const sessionId of [...whole.keys()].sort()) {
    o.checkStop();
    const { events } = await o.store.readAggregate('sessions', o.tenantId, sessionId);
    const valid: StoredEvent<SessionEvent>[] = [];
    for (const e of events) {
      if (e.seq > o.toSeq) break;
      const parsed = sessionEventSchema.safeParse(e.event);
      if (parsed.success) valid.push({ event: parsed.data, seq: e.seq, subject: e.subject });
    }
    counts.sessionsReadWhole++;
    if (valid.length) extract(sessionId, valid);
  }

  const rows = [...done.entries()].map(([sessionId, v]) => ({ sessionId, lastSeq: v.lastSeq, signals: v.signals }));
  for (let i = 0; i < rows.length; i += UPSERT_CHUNK) {
    o.checkStop();
    await o.ds.query(
      `INSERT INTO dreaming_session_signals (tenant_id, session_id, last_seq, signals, updated_at)
       SELECT $1, x->>'sessionId', (x->>'lastSeq')::bigint, x->'signals', now() FROM jsonb_array_elements($2::jsonb) x
       ON CONFLICT (tenant_id, session_id) DO UPDATE SET last_seq = EXCLUDED.last_seq, signals = EXCLUDED.signals, updated_at = now()`,
      [o.tenantId, JSON.stringify(rows.slice(i, i + UPSERT_CHUNK))],
    );
  }
  return counts;
}

async function storedSessions(ds: DataSource, tenantId: string, sessionIds: string[]): Promise<string[]> {
  if (!sessionIds.length) return [];
  const rows: { session_id: string }[] = await ds.query(
    `SELECT session_id FROM dreaming_session_signals WHERE tenant_id = $1 AND session_id = ANY($2::text[])`,
    [tenantId, sessionIds],
  );
  return rows.map((r) => r.session_id);
}

/** Every stored session signal of the tenant, in a stable order: what a dream mines. */
export async function allSessionSignals(ds: DataSource, tenantId: string): Promise<SessionSignals[]> {
  const rows: { signals: SessionSignals }[] = await ds.query(
    `SELECT signals FROM dreaming_session_signals WHERE tenant_id = $1 ORDER BY session_id`, [tenantId]);
  return rows.map((r) => r.signals);
}

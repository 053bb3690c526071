import { ERASED, type SessionCipher } from '@reverie/content-crypto';
import type { DataSource } from 'typeorm';
import { sessionEventSchema, type SessionEvent } from '@reverie/contracts';
import { extractSignals, userIdsIn, withUserTokens, type SessionSignals } from '@reverie/dreaming-domain';
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

/**
 * Wall milliseconds per phase of a dream, summed over the calls that make up each phase: what the
 * runner logs with 'dream completed' (`phasesMs`) and bench/dream/service.ts reports.
 */
export class PhaseTimer {
  readonly ms: Record<string, number> = {};
  /** Adds the time since `since` (a performance.now() reading) to `phase`; returns now. */
  add(phase: string, since: number): number {
    const now = performance.now();
    this.ms[phase] = (this.ms[phase] ?? 0) + (now - since);
    return now;
  }
  async time<T>(phase: string, work: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await work();
    } finally {
      this.add(phase, t0);
    }
  }
  /** Every phase in ms, to 0.1 ms. */
  rounded(): Record<string, number> {
    return Object.fromEntries(Object.entries(this.ms).map(([k, v]) => [k, Math.round(v * 10) / 10]));
  }
}

interface Options {
  store: EventStore;
  ds: DataSource;
  /** Opens the sealed content of the session events read (crypto-shredding: erased content reads as erased). */
  cipher: SessionCipher;
  tenantId: string;
  /** SESSIONS stream sequences, inclusive; nothing is read when toSeq < fromSeq. */
  fromSeq: number;
  toSeq: number;
  checkStop: () => void;
  onSessionError?: (sessionId: string, err: Error) => void;
  /**
   * Receives the reader's phases: `read` (the window read from SESSIONS: fetch, decode, parse and
   * grouping by session, net of signals and naiveChars), `readKnown` (looking up sessions with stored signals),
   * `readWhole` (sessions read whole from their aggregate), `signals` (extractSignals),
   * `naiveChars` (sizing the failed transcripts) and `signalsUpsert` (writing the signals to Postgres).
   */
  timer?: PhaseTimer;
}

const UPSERT_CHUNK = 500;
/** Upsert statements in flight: Postgres parses one chunk's JSON while the next is serialized. */
const UPSERT_IN_FLIGHT = 4;
/** Session ids per lookup of the sessions with stored signals. */
const LOOKUP_CHUNK = 5000;

/**
 * The incremental part of a dream: reads only the tenant's SESSIONS messages in the window,
 * computes each touched session's signals (reading the whole session from its aggregate when it
 * began before the window) and upserts them into `dreaming_session_signals`. A session is
 * extracted as soon as its SessionEnded is read, so memory holds only the sessions still open.
 * Whether a session already has stored signals (then it had events before the window, and is read
 * whole) is looked up once for the whole window after the read, not per batch during it: a
 * lookup per batch held the stream read up for a Postgres round trip ~500 times per 10k sessions
 * (bench/dream/service.ts).
 */
export async function refreshSessionSignals(o: Options): Promise<DreamInputCounts> {
  const counts: DreamInputCounts = { windowSessions: 0, windowEvents: 0, sessionsReadWhole: 0, sessionsFailed: 0, failedTranscriptChars: 0 };
  if (o.toSeq < o.fromSeq) return counts;
  const open = new Map<string, StoredEvent<SessionEvent>[]>();
  /** Sessions extracted so far, with the characters they add to the naive baseline. */
  const done = new Map<string, { signals: SessionSignals; lastSeq: number; failedChars: number }>();
  const failed = new Set<string>();
  /** Sessions to read whole from their aggregate. */
  const whole = new Set<string>();
  const seen = new Set<string>();

  const timer = o.timer ?? new PhaseTimer();
  /** Time spent so far in the phases measured inside the read. */
  const inner = () => (timer.ms.signals ?? 0) + (timer.ms.naiveChars ?? 0);
  const readStart = performance.now();
  const innerAtStart = inner();
  const extract = async (sessionId: string, events: StoredEvent<SessionEvent>[]) => {
    try {
      const opened = await o.cipher.open(o.tenantId, events.map((e) => e.event));
      const t0 = performance.now();
      const raw = extractSignals(opened);
      // Derived data names users by token only (erasing a user shreds the token's key).
      const tokens = await o.cipher.userTokens(o.tenantId, userIdsIn(raw).filter((u) => u !== ERASED));
      const signals = withUserTokens(raw, (u) => tokens.get(u));
      const t1 = timer.add('signals', t0);
      let failedChars = 0;
      if (signals.outcome === 'failure' || signals.errors.length > 0) {
        // What a naive LLM pipeline would send: the transcript as people wrote it, not its ciphertext.
        for (const e of opened) failedChars += JSON.stringify(e).length;
        timer.add('naiveChars', t1);
      }
      done.set(sessionId, { signals, lastSeq: events[events.length - 1].seq, failedChars });
      failed.delete(sessionId);
    } catch (err) {
      done.delete(sessionId);
      failed.add(sessionId);
      o.onSessionError?.(sessionId, err as Error);
    }
  };
  /** Events before the window exist when the session has stored signals or its first event here is not its first. */
  const settle = async (sessionId: string, events: StoredEvent<SessionEvent>[]) => {
    if (events.reduce((min, e) => Math.min(min, e.event.data.seq), Infinity) > 0) whole.add(sessionId);
    else await extract(sessionId, events);
  };

  const filterSubject = o.store.topology.tenantWildcard('sessions', o.tenantId);
  let pastEnd = false;
  for await (const batch of replay(o.store, 'sessions', sessionEventSchema, { fromSeq: o.fromSeq, filterSubject })) {
    o.checkStop();
    for (const stored of batch) {
      if (stored.seq > o.toSeq) {
        pastEnd = true;
        break;
      }
      const sessionId = stored.event.streamId;
      counts.windowEvents++;
      seen.add(sessionId);
      if (whole.has(sessionId)) continue;
      if (done.has(sessionId) || failed.has(sessionId)) {
        // More events after its end (a late batch): read it whole at the end instead.
        done.delete(sessionId);
        failed.delete(sessionId);
        whole.add(sessionId);
        continue;
      }
      const events = open.get(sessionId) ?? [];
      events.push(stored);
      open.set(sessionId, events);
      if (stored.event.type === 'SessionEnded') {
        open.delete(sessionId);
        await settle(sessionId, events);
      }
    }
    if (pastEnd) break;
  }
  for (const [sessionId, events] of open) await settle(sessionId, events);
  open.clear();
  counts.windowSessions = seen.size;
  // `read`: the window's read, net of the phases measured inside it.
  timer.ms.read = (timer.ms.read ?? 0) + (performance.now() - readStart) - (inner() - innerAtStart);

  // Sessions a previous dream stored signals for had events before the window: read them whole.
  await timer.time('readKnown', async () => {
    const extracted = [...done.keys(), ...failed];
    for (let i = 0; i < extracted.length; i += LOOKUP_CHUNK) {
      o.checkStop();
      for (const s of await storedSessions(o.ds, o.tenantId, extracted.slice(i, i + LOOKUP_CHUNK))) {
        done.delete(s);
        failed.delete(s);
        whole.add(s);
      }
    }
  });

  const wholeStart = performance.now();
  const innerAtWhole = inner();
  for (const sessionId of [...whole].sort()) {
    o.checkStop();
    const { events } = await o.store.readAggregate('sessions', o.tenantId, sessionId);
    const valid: StoredEvent<SessionEvent>[] = [];
    for (const e of events) {
      if (e.seq > o.toSeq) break;
      const parsed = sessionEventSchema.safeParse(e.event);
      if (parsed.success) valid.push({ event: parsed.data, seq: e.seq, subject: e.subject });
    }
    counts.sessionsReadWhole++;
    if (valid.length) await extract(sessionId, valid);
  }
  timer.ms.readWhole = (timer.ms.readWhole ?? 0) + (performance.now() - wholeStart) - (inner() - innerAtWhole);
  counts.sessionsFailed = failed.size;
  for (const v of done.values()) counts.failedTranscriptChars += v.failedChars;

  const upsertStart = performance.now();
  const rows = [...done.entries()].map(([sessionId, v]) => ({ sessionId, lastSeq: v.lastSeq, signals: v.signals }));
  const chunks: number[] = [];
  for (let i = 0; i < rows.length; i += UPSERT_CHUNK) chunks.push(i);
  // Chunks hold distinct sessions, so the statements in flight never touch the same row.
  await Promise.all(Array.from({ length: Math.min(UPSERT_IN_FLIGHT, chunks.length) }, async () => {
    for (let i = chunks.shift(); i !== undefined; i = chunks.shift()) {
      o.checkStop();
      await o.ds.query(
        `INSERT INTO dreaming_session_signals (tenant_id, session_id, last_seq, signals, updated_at)
         SELECT $1, x->>'sessionId', (x->>'lastSeq')::bigint, x->'signals', now() FROM jsonb_array_elements($2::jsonb) x
         ON CONFLICT (tenant_id, session_id) DO UPDATE SET last_seq = EXCLUDED.last_seq, signals = EXCLUDED.signals, updated_at = now()`,
        [o.tenantId, JSON.stringify(rows.slice(i, i + UPSERT_CHUNK))],
      );
    }
  }));
  timer.add('signalsUpsert', upsertStart);
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

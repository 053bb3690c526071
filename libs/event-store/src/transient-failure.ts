import type { JsMsg } from '@nats-io/jetstream';

const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND']);
/** Postgres SQLSTATEs that say "not now", not "never": connection exceptions, shutdown, too many connections, serialization and deadlock. */
const TRANSIENT_SQLSTATE = /^(08...|57P0[123]|53300|40001|40P01)$/;
const TRANSIENT_MESSAGE = /connection terminated|timeout exceeded when trying to connect|client has encountered a connection error|connection is not open|cannot use a pool after calling end|the database system is (starting up|shutting down)|server closed the connection/i;

/**
 * A failure of what the handler depends on (Postgres unreachable, restarting, overloaded), not of
 * the message: retrying later will work. Such a failure must never use up a message's deliveries
 * and send it to DEADLETTER: the runners hold the message and retry instead.
 */
export function isTransientFailure(err: unknown): boolean {
  for (let e = err as { code?: unknown; message?: unknown; cause?: unknown; driverError?: unknown } | undefined, depth = 0; e && depth < 5; depth++) {
    if (typeof e.code === 'string' && (TRANSIENT_CODES.has(e.code) || TRANSIENT_SQLSTATE.test(e.code))) return true;
    if (typeof e.message === 'string' && TRANSIENT_MESSAGE.test(e.message)) return true;
    e = (e.driverError ?? e.cause) as typeof e;
  }
  return false;
}

/**
 * Holds messages while what they need is down: waits `ms`, telling JetStream every few seconds
 * that they are still being worked on (so they are neither redelivered nor counted: the held ones
 * and those read since, as `messages()` lists them), and returns early when `stopped()` says the
 * runner is stopping.
 */
export async function holdWhileDown(messages: () => readonly JsMsg[], ms: number, stopped: () => boolean): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until && !stopped()) {
    for (const m of messages()) m.working();
    await new Promise((r) => setTimeout(r, Math.min(2000, until - Date.now())));
  }
}

import { STREAM_KEYS, topology, type StreamKey } from '@reverie/contracts';
import { EventStore, parseRangeBound, readStreamRange, type RangeBound } from '@reverie/event-store';
import type { CliConfig } from '../cli-config';
import { CliError } from '../http';
import type { Output } from '../output';
import { asOperator } from './operator-nats';

export interface ReplayOptions { from?: string; to?: string; tenant?: string; type?: string; limit?: string }

const bound = (value: string, option: string): RangeBound => {
  try {
    return parseRangeBound(value, option);
  } catch (err) {
    throw new CliError((err as Error).message);
  }
};

/**
 * `reverie replay <stream> --from <seq|time> [--to <seq|time>]`: what a stream holds in a range,
 * for investigations, read as the operator. One line per event for people; with --json one JSON
 * document per line (the events as stored: sealed content stays sealed). Read-only.
 */
export async function replayCommand(config: CliConfig, out: Output, stream: string, opts: ReplayOptions, write: (text: string) => void = (text) => process.stdout.write(text)): Promise<void> {
  const key = stream.toLowerCase() as StreamKey;
  if (!STREAM_KEYS.includes(key)) throw new CliError(`unknown stream "${stream}"; expected one of ${STREAM_KEYS.map((k) => k.toUpperCase()).join(', ')}`);
  if (!opts.from) throw new CliError('give --from: a stream sequence or an ISO date-time');
  const from = bound(opts.from, '--from');
  const to = opts.to === undefined ? undefined : bound(opts.to, '--to');
  const limit = opts.limit === undefined ? Infinity : Number(opts.limit);
  if (opts.limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw new CliError(`--limit must be a whole number above 0, got "${opts.limit}"`);
  if (opts.tenant !== undefined && key === 'deadletter') throw new CliError('--tenant does not apply to DEADLETTER (its subjects name consumers)');
  const t = topology(config.namespace);
  const filterSubject = opts.tenant === undefined ? undefined : t.tenantWildcard(key as Exclude<StreamKey, 'deadletter'>, opts.tenant);

  const summary = await asOperator(config, 'reverie-replay', async (nc) => {
    const store = new EventStore(nc, t);
    let read = 0;
    let shown = 0;
    let lastSeq: number | undefined;
    const started = Date.now();
    let lastNote = 0;
    for await (const m of readStreamRange(store, key, { from, to, filterSubject })) {
      read++;
      lastSeq = m.seq;
      const event = m.event as { type?: string; tenantId?: string; streamId?: string; id?: string; actor?: { kind: string; id: string }; occurredAt?: string } | undefined;
      if (opts.type && event?.type !== opts.type) continue;
      shown++;
      if (out.json) write(`${JSON.stringify({ seq: m.seq, subject: m.subject, storedAt: m.storedAt, redriven: m.redriven, event: m.event ?? null })}\n`);
      else write(`${[String(m.seq).padStart(8), m.storedAt.slice(0, 23), event?.type ?? '(not JSON)', event?.tenantId ?? '', event?.streamId ?? '', event?.actor ? `${event.actor.kind}:${event.actor.id}` : '', m.redriven ? '(redriven copy)' : ''].join('  ').trimEnd()}\n`);
      if (process.stderr.isTTY && !out.json && Date.now() - lastNote > 1000) {
        lastNote = Date.now();
        process.stderr.write(`… ${read.toLocaleString()} read, ${shown.toLocaleString()} shown, at seq ${m.seq}\n`);
      }
      if (shown >= limit) break;
    }
    return { read, shown, lastSeq, seconds: (Date.now() - started) / 1000 };
  });
  out.note(`${summary.shown.toLocaleString()} event(s) shown of ${summary.read.toLocaleString()} read from ${key.toUpperCase()}${summary.lastSeq ? ` (up to seq ${summary.lastSeq})` : ''} in ${summary.seconds.toFixed(1)} s.`);
}

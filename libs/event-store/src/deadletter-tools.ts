import { jetstream, jetstreamManager, type JetStreamManager, type JsMsg, type StoredMsg } from '@nats-io/jetstream';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import type { Topology } from '@reverie/contracts';

/** A message one consumer gave up on, as DEADLETTER keeps it. */
export interface DeadletterEntry {
  seq: number;
  consumer: string;
  originalStream: string;
  originalSubject: string;
  originalSeq: number;
  reason: string;
  deliveries: number;
  at: string;
  bytes: number;
  /** Redriven already: when, and the copy's sequence on the original stream. */
  redriven?: { at: string; newSeq: number };
}

/** A redriven message names the one consumer it is for: every other consumer of the stream skips it. */
export const REDRIVE_HEADER = 'Reverie-Redrive-For';
/** DEADLETTER's marker of a redrive names the dead-lettered message it redrove. */
const REDRIVEN_SEQ_HEADER = 'Reverie-Redriven-Seq';

/** Whether a message was redriven for another consumer than `durable` (then `durable` only acks it). */
export const redrivenForAnother = (m: JsMsg, durable: string): boolean => {
  const target = m.headers?.get(REDRIVE_HEADER);
  return !!target && target !== durable;
};

const entryOf = (m: StoredMsg): DeadletterEntry => ({
  seq: m.seq,
  consumer: m.header.get('Reverie-Consumer') ?? m.subject.replace(/^.*dlq\./, ''),
  originalStream: m.header.get('Reverie-Original-Stream') ?? '',
  originalSubject: m.header.get('Reverie-Original-Subject') ?? '',
  originalSeq: Number(m.header.get('Reverie-Original-Seq') ?? 0),
  reason: m.header.get('Reverie-Reason') ?? '',
  deliveries: Number(m.header.get('Reverie-Deliveries') ?? 0),
  at: m.time.toISOString(),
  bytes: m.data.length,
});

/**
 * Operator tooling over DEADLETTER: list and show what consumers gave up on, and redrive a message
 * to the one consumer that failed it (a copy on its original subject, marked for that consumer, so
 * no other consumer of the stream applies it twice). DEADLETTER keeps everything (it denies
 * deletes: it is an audit log); a redrive is recorded in it as a marker beside the message.
 */
export class DeadletterTools {
  private constructor(private readonly nc: NatsConnection, private readonly jsm: JetStreamManager, private readonly topology: Topology) {}

  static async open(nc: NatsConnection, topology: Topology): Promise<DeadletterTools> {
    return new DeadletterTools(nc, await jetstreamManager(nc), topology);
  }

  private get stream(): string { return this.topology.streamName('deadletter'); }

  /** The dead-lettered messages (pending ones only, unless `all`), oldest first. */
  async list(options: { consumer?: string; limit?: number; all?: boolean } = {}): Promise<{ total: number; pending: number; entries: DeadletterEntry[] }> {
    const all = await this.read();
    const entries = all.filter((e) => (options.all || !e.redriven) && (!options.consumer || e.consumer === options.consumer));
    return { total: all.length, pending: all.filter((e) => !e.redriven).length, entries: entries.slice(0, options.limit ?? 100) };
  }

  /** Every message with its redrive marker, if any. */
  private async read(): Promise<DeadletterEntry[]> {
    const info = await this.jsm.streams.info(this.stream);
    const entries: DeadletterEntry[] = [];
    const redriven = new Map<number, { at: string; newSeq: number }>();
    for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
      const m = await this.jsm.streams.getMessage(this.stream, { seq }).catch(() => undefined);
      if (!m) continue; // aged out
      const of = m.header.get(REDRIVEN_SEQ_HEADER);
      if (of) redriven.set(Number(of), { at: m.time.toISOString(), newSeq: Number(m.header.get('Reverie-Redriven-To') ?? 0) });
      else entries.push(entryOf(m));
    }
    return entries.map((e) => (redriven.has(e.seq) ? { ...e, redriven: redriven.get(e.seq) } : e));
  }

  async show(seq: number): Promise<DeadletterEntry & { data: string }> {
    const m = await this.jsm.streams.getMessage(this.stream, { seq }).catch(() => undefined);
    if (!m || m.header.get(REDRIVEN_SEQ_HEADER)) throw new Error(`DEADLETTER has no dead-lettered message ${seq} (see \`reverie deadletter list\`)`);
    const entry = (await this.read()).find((e) => e.seq === seq) ?? entryOf(m);
    return { ...entry, data: new TextDecoder().decode(m.data) };
  }

  /** Redrives one message to the consumer that gave up on it; returns where it went. */
  async redrive(seq: number): Promise<{ seq: number; consumer: string; subject: string; newSeq: number }> {
    const { data, ...e } = await this.show(seq);
    if (e.redriven) throw new Error(`DEADLETTER message ${seq} was redriven already (${e.redriven.at}, as ${e.originalStream} message ${e.redriven.newSeq})`);
    if (!e.originalSubject) throw new Error(`DEADLETTER message ${seq} does not say where it came from`);
    const h = natsHeaders();
    h.set(REDRIVE_HEADER, e.consumer);
    h.set('Reverie-Redriven-From', `${this.stream}:${seq}`);
    const js = jetstream(this.nc);
    const ack = await js.publish(e.originalSubject, new TextEncoder().encode(data), { headers: h, msgID: `redrive:${this.stream}:${seq}` });
    const marker = natsHeaders();
    marker.set(REDRIVEN_SEQ_HEADER, String(seq));
    marker.set('Reverie-Redriven-To', String(ack.seq));
    await js.publish(`${this.topology.deadletterSubject(e.consumer)}.redriven`, new Uint8Array(), { headers: marker, msgID: `redriven:${seq}` });
    return { seq, consumer: e.consumer, subject: e.originalSubject, newSeq: ack.seq };
  }
}

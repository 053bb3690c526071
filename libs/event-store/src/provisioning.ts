import { AckPolicy, DeliverPolicy, DiscardPolicy, RetentionPolicy, StorageType, type ConsumerConfig, type NatsConnection, type StreamConfig } from 'nats';
import { STREAM_KEYS, type StreamKey, type Topology } from '@reverie/contracts';

const SECOND_NS = 1_000_000_000;

/** What one durable consumer needs; provisioning turns it into a JetStream consumer config. */
export interface ConsumerSpec {
  stream: StreamKey;
  app: string;
  purpose: string;
  /** Time the server waits for an ack before redelivering. */
  ackWaitSeconds?: number;
  maxDeliver?: number;
  maxAckPending?: number;
}

/**
 * The durable consumers of every service, declared in one place. Services bind to them by name
 * and never create them: `reverie setup` does.
 */
export const CONSUMERS: ConsumerSpec[] = [
  { stream: 'sessions', app: 'session-ingest', purpose: 'sessions-projection' },
  { stream: 'sessions', app: 'dreaming', purpose: 'session-signals' },
  { stream: 'lessons', app: 'dreaming', purpose: 'lesson-index' },
  { stream: 'lessons', app: 'lesson-governance', purpose: 'lessons-projection' },
  { stream: 'dreams', app: 'lesson-governance', purpose: 'dreams-projection' },
  { stream: 'lessons', app: 'agent-serving', purpose: 'active-lessons' },
];

export interface StreamSettings {
  /** Window in which a repeated `Nats-Msg-Id` is dropped. */
  duplicateWindowSeconds: number;
  maxMsgBytes: number;
  replicas: number;
}

export const DEFAULT_STREAM_SETTINGS: StreamSettings = { duplicateWindowSeconds: 120, maxMsgBytes: 1024 * 1024, replicas: 1 };

export function streamConfig(topology: Topology, key: StreamKey, settings = DEFAULT_STREAM_SETTINGS): Partial<StreamConfig> & { name: string } {
  return {
    name: topology.streamName(key),
    subjects: [topology.wildcard(key)],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_msg_size: settings.maxMsgBytes,
    duplicate_window: settings.duplicateWindowSeconds * SECOND_NS,
    num_replicas: settings.replicas,
    // An immutable log: nothing is deleted or purged through the API.
    deny_delete: true,
    deny_purge: key !== 'deadletter',
    allow_direct: true,
  };
}

export function consumerConfig(topology: Topology, spec: ConsumerSpec): Partial<ConsumerConfig> & { durable_name: string } {
  return {
    durable_name: topology.consumerName(spec.app, spec.purpose),
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: topology.wildcard(spec.stream),
    ack_wait: (spec.ackWaitSeconds ?? 30) * SECOND_NS,
    max_deliver: spec.maxDeliver ?? 20,
    max_ack_pending: spec.maxAckPending ?? 5000,
  };
}

export interface ProvisionReport {
  streams: { name: string; action: 'created' | 'updated' | 'unchanged' }[];
  consumers: { stream: string; name: string; action: 'created' | 'updated' }[];
}

/** Creates or updates every stream and durable consumer. Idempotent; safe to run on every deploy. */
export async function provisionStreams(nc: NatsConnection, topology: Topology, options: { consumers?: ConsumerSpec[]; settings?: StreamSettings } = {}): Promise<ProvisionReport> {
  const jsm = await nc.jetstreamManager();
  const report: ProvisionReport = { streams: [], consumers: [] };
  for (const key of STREAM_KEYS) {
    const wanted = streamConfig(topology, key, options.settings);
    const existing = await jsm.streams.info(wanted.name).catch((err: unknown) => {
      if (isNotFound(err)) return undefined;
      throw err;
    });
    if (!existing) {
      await jsm.streams.add(wanted);
      report.streams.push({ name: wanted.name, action: 'created' });
    } else if (differs(existing.config as unknown as Record<string, unknown>, wanted)) {
      await jsm.streams.update(wanted.name, wanted);
      report.streams.push({ name: wanted.name, action: 'updated' });
    } else {
      report.streams.push({ name: wanted.name, action: 'unchanged' });
    }
  }
  for (const spec of options.consumers ?? CONSUMERS) {
    const stream = topology.streamName(spec.stream);
    const config = consumerConfig(topology, spec);
    const exists = await jsm.consumers.info(stream, config.durable_name).then(() => true, (err: unknown) => {
      if (isNotFound(err)) return false;
      throw err;
    });
    if (exists) await jsm.consumers.update(stream, config.durable_name, config);
    else await jsm.consumers.add(stream, config);
    report.consumers.push({ stream, name: config.durable_name, action: exists ? 'updated' : 'created' });
  }
  return report;
}

/** Fails with a message naming what is missing, so a service started before `reverie setup` says so. */
export async function assertProvisioned(nc: NatsConnection, topology: Topology, consumers: ConsumerSpec[] = []): Promise<void> {
  const jsm = await nc.jetstreamManager();
  const missing: string[] = [];
  for (const key of STREAM_KEYS) {
    const name = topology.streamName(key);
    await jsm.streams.info(name).catch(() => missing.push(`stream ${name}`));
  }
  for (const spec of consumers) {
    const stream = topology.streamName(spec.stream);
    const name = topology.consumerName(spec.app, spec.purpose);
    await jsm.consumers.info(stream, name).catch(() => missing.push(`consumer ${stream}/${name}`));
  }
  if (missing.length) throw new Error(`JetStream is not provisioned (missing ${missing.join(', ')}): run \`reverie setup\` first`);
}

/** Removes a namespace's streams (tests only; production streams deny deletion of messages, not of streams). */
export async function deleteStreams(nc: NatsConnection, topology: Topology): Promise<void> {
  const jsm = await nc.jetstreamManager();
  for (const key of STREAM_KEYS) await jsm.streams.delete(topology.streamName(key)).catch(() => undefined);
}

function isNotFound(err: unknown): boolean {
  const e = err as { api_error?: { err_code?: number }; code?: string; message?: string };
  return e?.api_error?.err_code === 10059 || e?.api_error?.err_code === 10014 || e?.code === '404' || /not found/i.test(e?.message ?? '');
}

function differs(existing: Record<string, unknown>, wanted: Record<string, unknown>): boolean {
  return Object.entries(wanted).some(([k, v]) => JSON.stringify(existing[k]) !== JSON.stringify(v));
}

export const consumerSpecsOf = (app: string): ConsumerSpec[] => CONSUMERS.filter((c) => c.app === app);

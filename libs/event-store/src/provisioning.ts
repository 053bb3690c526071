import { isJetStreamNotFound } from './errors';
import { partitionPurpose } from './partitions';
import { AckPolicy, DeliverPolicy, DiscardPolicy, JetStreamApiError, jetstreamManager, RetentionPolicy, StorageType, type ConsumerConfig, type StreamConfig } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { STREAM_KEYS, type StreamKey, type Topology } from '@reverie/contracts';

const SECOND_NS = 1_000_000_000;
const DAY_NS = 86_400 * SECOND_NS;

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
  { stream: 'serving', app: 'agent-serving', purpose: 'served-log' },
];

export interface StreamSettings {
  /** Window in which a repeated `Nats-Msg-Id` is dropped. */
  duplicateWindowSeconds: number;
  maxMsgBytes: number;
  replicas: number;
}

export const DEFAULT_STREAM_SETTINGS: StreamSettings = { duplicateWindowSeconds: 120, maxMsgBytes: 1024 * 1024, replicas: 1 };

/** The variable `reverie setup` reads every stream's replica count from (3 on a NATS cluster of three). */
export const STREAM_REPLICAS_VARIABLE = 'REVERIE_STREAM_REPLICAS';

export class StreamSettingsError extends Error {
  override readonly name = 'StreamSettingsError';
}

/**
 * DEFAULT_STREAM_SETTINGS with the replicas from REVERIE_STREAM_REPLICAS (unset or empty: 1).
 * JetStream accepts 1 to 5, and no more than the cluster has servers (the server says so).
 */
export function streamSettingsFromEnv(env: Record<string, string | undefined>): StreamSettings {
  const text = env[STREAM_REPLICAS_VARIABLE]?.trim();
  if (!text) return DEFAULT_STREAM_SETTINGS;
  if (!/^[1-5]$/.test(text)) throw new StreamSettingsError(`${STREAM_REPLICAS_VARIABLE}: expected a whole number from 1 to 5, got ${JSON.stringify(text)}`);
  return { ...DEFAULT_STREAM_SETTINGS, replicas: Number(text) };
}

/**
 * Streams that only record what happened elsewhere and so may lose their oldest messages: SERVING
 * (one event per lesson served to an agent, written on every read) and DEADLETTER (copies of
 * poison messages). SESSIONS, DREAMS and LESSONS are the source of truth and keep everything.
 */
export const LIMITED_STREAMS = ['serving', 'deadletter'] as const satisfies readonly StreamKey[];
export type LimitedStreamKey = (typeof LIMITED_STREAMS)[number];

/** How much of a limited stream is kept: when either limit is reached, the oldest messages go. */
export interface StreamRetention {
  maxAgeDays: number;
  maxBytes: number;
}
export type RetentionSettings = Record<LimitedStreamKey, StreamRetention>;

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

export const DEFAULT_RETENTION: RetentionSettings = {
  serving: { maxAgeDays: 30, maxBytes: 1 * GiB },
  deadletter: { maxAgeDays: 30, maxBytes: 256 * MiB },
};

/** The environment variables `reverie setup` reads the retention from. */
export const RETENTION_VARIABLES: Record<LimitedStreamKey, Record<keyof StreamRetention, string>> = {
  serving: { maxAgeDays: 'REVERIE_SERVING_MAX_AGE_DAYS', maxBytes: 'REVERIE_SERVING_MAX_BYTES' },
  deadletter: { maxAgeDays: 'REVERIE_DEADLETTER_MAX_AGE_DAYS', maxBytes: 'REVERIE_DEADLETTER_MAX_BYTES' },
};

/** Longest max age accepted (10 years): more is a typo, not a retention policy. */
const MAX_AGE_DAYS_LIMIT = 3650;
const BYTE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kib: 1024, m: MiB, mib: MiB, g: GiB, gib: GiB, t: 1024 * GiB, tib: 1024 * GiB };

/** A retention setting that is not one; `problems` name each variable, what was expected and what was found. */
export class RetentionSettingsError extends Error {
  override readonly name = 'RetentionSettingsError';
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(problems.map((p) => `${p.variable}: ${p.message}`).join('; '));
  }
}

/**
 * The retention of SERVING and DEADLETTER from the environment (unset or empty variables keep the
 * defaults): ages in whole days, sizes in bytes with an optional binary unit (`512MiB`, `2GiB`).
 * Throws RetentionSettingsError naming every bad variable.
 */
export function retentionFromEnv(env: Record<string, string | undefined>, streamSettings: StreamSettings = DEFAULT_STREAM_SETTINGS): RetentionSettings {
  const problems: { variable: string; message: string }[] = [];
  const out = {} as RetentionSettings;
  for (const key of LIMITED_STREAMS) {
    const names = RETENTION_VARIABLES[key];
    const ageText = env[names.maxAgeDays]?.trim();
    const bytesText = env[names.maxBytes]?.trim();
    let maxAgeDays = DEFAULT_RETENTION[key].maxAgeDays;
    let maxBytes = DEFAULT_RETENTION[key].maxBytes;
    if (ageText) {
      const days = /^\d+$/.test(ageText) ? Number(ageText) : NaN;
      if (!Number.isSafeInteger(days) || days < 1 || days > MAX_AGE_DAYS_LIMIT) {
        problems.push({ variable: names.maxAgeDays, message: `expected a whole number of days from 1 to ${MAX_AGE_DAYS_LIMIT}, got ${JSON.stringify(ageText)}` });
      } else maxAgeDays = days;
    }
    if (bytesText) {
      const m = /^(\d+)\s*([a-z]*)$/i.exec(bytesText);
      const unit = m ? BYTE_UNITS[m[2].toLowerCase()] : undefined;
      const bytes = m && unit ? Number(m[1]) * unit : NaN;
      if (!Number.isSafeInteger(bytes)) {
        problems.push({ variable: names.maxBytes, message: `expected a size in bytes, optionally with a unit KiB, MiB, GiB or TiB (e.g. 512MiB), got ${JSON.stringify(bytesText)}` });
      } else if (bytes < streamSettings.maxMsgBytes) {
        problems.push({ variable: names.maxBytes, message: `expected at least ${formatBytes(streamSettings.maxMsgBytes)} (the largest message a stream accepts), got ${JSON.stringify(bytesText)}` });
      } else maxBytes = bytes;
    }
    out[key] = { maxAgeDays, maxBytes };
  }
  if (problems.length) throw new RetentionSettingsError(problems);
  return out;
}

export function formatBytes(n: number): string {
  for (const [unit, size] of [['TiB', 1024 * GiB], ['GiB', GiB], ['MiB', MiB], ['KiB', 1024]] as const) {
    if (n >= size && n % size === 0) return `${n / size} ${unit}`;
  }
  return `${n} bytes`;
}

const isLimited = (key: StreamKey): key is LimitedStreamKey => (LIMITED_STREAMS as readonly StreamKey[]).includes(key);

export function streamConfig(topology: Topology, key: StreamKey, settings = DEFAULT_STREAM_SETTINGS, retention = DEFAULT_RETENTION): Partial<StreamConfig> & { name: string } {
  const limits = isLimited(key) ? retention[key] : undefined;
  return {
    name: topology.streamName(key),
    subjects: [topology.wildcard(key)],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    // SERVING and DEADLETTER drop their oldest messages past their age or size; the source-of-truth
    // streams are set to no limit explicitly, so provisioning also removes one added by hand.
    max_age: limits ? limits.maxAgeDays * DAY_NS : 0,
    max_bytes: limits ? limits.maxBytes : -1,
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
  /** `limits`: the retention of SERVING and DEADLETTER (the other streams keep everything). */
  streams: { name: string; action: 'created' | 'updated' | 'unchanged'; limits?: StreamRetention }[];
  consumers: { stream: string; name: string; action: 'created' | 'updated' }[];
}

export interface ProvisionOptions {
  consumers?: ConsumerSpec[];
  settings?: StreamSettings;
  /** Age and size limits of SERVING and DEADLETTER; DEFAULT_RETENTION when not given. */
  retention?: RetentionSettings;
}

/**
 * Creates or updates every stream and durable consumer. Idempotent; safe to run on every deploy.
 * A changed retention updates the existing stream (a smaller limit drops the oldest messages).
 */
export async function provisionStreams(nc: NatsConnection, topology: Topology, options: ProvisionOptions = {}): Promise<ProvisionReport> {
  const jsm = await jetstreamManager(nc);
  const report: ProvisionReport = { streams: [], consumers: [] };
  const retention = options.retention ?? DEFAULT_RETENTION;
  for (const key of STREAM_KEYS) {
    const wanted = streamConfig(topology, key, options.settings, retention);
    const limits = isLimited(key) ? { limits: { ...retention[key] } } : {};
    const existing = await jsm.streams.info(wanted.name).catch((err: unknown) => {
      if (isJetStreamNotFound(err)) return undefined;
      throw err;
    });
    if (!existing) {
      await jsm.streams.add(wanted).catch((err: unknown) => { throw storageError(err, key, wanted); });
      report.streams.push({ name: wanted.name, action: 'created', ...limits });
    } else if (differs(existing.config as unknown as Record<string, unknown>, wanted)) {
      await jsm.streams.update(wanted.name, wanted).catch((err: unknown) => { throw storageError(err, key, wanted); });
      report.streams.push({ name: wanted.name, action: 'updated', ...limits });
    } else {
      report.streams.push({ name: wanted.name, action: 'unchanged', ...limits });
    }
  }
  for (const spec of options.consumers ?? CONSUMERS) {
    const stream = topology.streamName(spec.stream);
    const config = consumerConfig(topology, spec);
    const exists = await jsm.consumers.info(stream, config.durable_name).then(() => true, (err: unknown) => {
      if (isJetStreamNotFound(err)) return false;
      throw err;
    });
    if (exists) await jsm.consumers.update(stream, config.durable_name, updatable(config));
    else await jsm.consumers.add(stream, config);
    report.consumers.push({ stream, name: config.durable_name, action: exists ? 'updated' : 'created' });
  }
  return report;
}

/**
 * What an update may change on an existing durable: not where it starts, which JetStream refuses
 * to change and which a projection moves itself when it rewinds the durable (consumer-rewind.ts).
 */
function updatable(config: Partial<ConsumerConfig>): Partial<ConsumerConfig> {
  const { deliver_policy: _policy, opt_start_seq: _seq, opt_start_time: _time, ...rest } = config;
  return rest;
}

/** Fails with a message naming what is missing, so a service started before `reverie setup` says so. */
export async function assertProvisioned(nc: NatsConnection, topology: Topology, consumers: ConsumerSpec[] = []): Promise<void> {
  const jsm = await jetstreamManager(nc);
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
  const jsm = await jetstreamManager(nc);
  for (const key of STREAM_KEYS) await jsm.streams.delete(topology.streamName(key)).catch(() => undefined);
}

/**
 * JetStream reserves a stream's max_bytes on the server up front and refuses a stream whose cap
 * does not fit (err_code 10047): say which setting asked for it.
 */
function storageError(err: unknown, key: StreamKey, wanted: Partial<StreamConfig> & { name: string }): unknown {
  if (!isLimited(key) || !(err instanceof JetStreamApiError) || err.code !== 10047) return err;
  return new Error(
    `JetStream cannot reserve ${formatBytes(wanted.max_bytes ?? 0)} for stream ${wanted.name} (${RETENTION_VARIABLES[key].maxBytes}): ${err.message || 'insufficient storage resources'}; ` +
      'lower it or give the NATS server more JetStream storage (max_file_store)',
  );
}

function differs(existing: Record<string, unknown>, wanted: Record<string, unknown>): boolean {
  return Object.entries(wanted).some(([k, v]) => JSON.stringify(existing[k]) !== JSON.stringify(v));
}

/** The variable `reverie setup` and session-ingest read the partitions of the sessions projection from. */
export const SESSION_PARTITIONS_VARIABLE = 'REVERIE_SESSION_PARTITIONS';

/** The consumer that is split into partitions when REVERIE_SESSION_PARTITIONS is above 1. */
export const PARTITIONED_CONSUMER = { app: 'session-ingest', purpose: 'sessions-projection' } as const;

/** REVERIE_SESSION_PARTITIONS: unset or empty 1 (one durable, as before), else 1 to 64. */
export function sessionPartitionsFromEnv(env: Record<string, string | undefined>): number {
  const text = env[SESSION_PARTITIONS_VARIABLE]?.trim();
  if (!text) return 1;
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 64) throw new StreamSettingsError(`${SESSION_PARTITIONS_VARIABLE}: expected a whole number from 1 to 64, got ${JSON.stringify(text)}`);
  return Number(text);
}

/** Every durable consumer, with the sessions projection's split into `sessionPartitions` (one per partition). */
export function consumersWith(sessionPartitions: number): ConsumerSpec[] {
  return CONSUMERS.flatMap((c) => (c.app === PARTITIONED_CONSUMER.app && c.purpose === PARTITIONED_CONSUMER.purpose && sessionPartitions > 1
    // A shorter ack wait: what a replica had pulled but not read when it handed a partition over
    // (nats.js drops it on close) comes back to the new leader after this, not after 30 s.
    ? Array.from({ length: sessionPartitions }, (_, i) => ({ ...c, purpose: partitionPurpose(c.purpose, i), ackWaitSeconds: 10 }))
    : [c]));
}

export const consumerSpecsOf = (app: string, sessionPartitions = 1): ConsumerSpec[] => consumersWith(sessionPartitions).filter((c) => c.app === app);

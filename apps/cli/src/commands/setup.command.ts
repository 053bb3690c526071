import { readFileSync } from 'node:fs';
import { AuthorizationError, connect, credsAuthenticator, type ConnectionOptions } from '@nats-io/transport-node';
import { topology } from '@reverie/contracts';
import { consumersWith, formatBytes, provisionStreams, sessionPartitionsFromEnv, retentionFromEnv, RetentionSettingsError, streamSettingsFromEnv, StreamSettingsError, type RetentionSettings, type StreamSettings } from '@reverie/event-store';
import { migrateDatabase } from '@reverie/persistence';
import type { CliConfig } from '../cli-config';
import { CliError } from '../http';
import type { Output } from '../output';

/** A setting read from the environment; its own error (naming each wrong variable) becomes a CliError. */
function setting<T>(read: () => T, invalid: abstract new (...args: never[]) => Error, what: string): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof invalid) throw new CliError(`${what}: ${err.message}`);
    throw err;
  }
}

/**
 * The retention of SERVING and DEADLETTER from REVERIE_SERVING_MAX_AGE_DAYS,
 * REVERIE_SERVING_MAX_BYTES, REVERIE_DEADLETTER_MAX_AGE_DAYS and REVERIE_DEADLETTER_MAX_BYTES;
 * a bad value is a CliError naming each wrong variable.
 */
export const setupRetention = (env: NodeJS.ProcessEnv = process.env): RetentionSettings =>
  setting(() => retentionFromEnv(env), RetentionSettingsError, 'invalid retention');

/** Every stream's replica count from REVERIE_STREAM_REPLICAS (default 1); a bad value is a CliError. */
export const setupStreamSettings = (env: NodeJS.ProcessEnv = process.env): StreamSettings =>
  setting(() => streamSettingsFromEnv(env), StreamSettingsError, 'invalid stream settings');

/** The partitions of the sessions projection from REVERIE_SESSION_PARTITIONS (default 1); a bad value is a CliError. */
export const setupSessionPartitions = (env: NodeJS.ProcessEnv = process.env): number =>
  setting(() => sessionPartitionsFromEnv(env), StreamSettingsError, 'invalid stream settings');

/**
 * Who `reverie setup` is to NATS: NATS_CREDS (a credentials file), else NATS_USER with
 * NATS_PASSWORD (the `admin` user of deploy/nats/nats-server.conf), else nobody (a server
 * without authorization).
 */
export function setupNatsAuth(env: NodeJS.ProcessEnv = process.env): Pick<ConnectionOptions, 'user' | 'pass' | 'authenticator'> {
  const { NATS_USER: user, NATS_PASSWORD: pass, NATS_CREDS: creds } = env;
  if (creds && (user || pass)) throw new CliError('set either NATS_CREDS or NATS_USER with NATS_PASSWORD, not both');
  if (creds) {
    try {
      return { authenticator: credsAuthenticator(new Uint8Array(readFileSync(creds))) };
    } catch (err) {
      throw new CliError(`cannot read NATS_CREDS ${creds}: ${(err as Error).message}`);
    }
  }
  if (user && !pass) throw new CliError('NATS_USER is set without NATS_PASSWORD');
  if (pass && !user) throw new CliError('NATS_PASSWORD is set without NATS_USER');
  return user ? { user, pass } : {};
}

/** Creates or updates the streams, the durable consumers and the database schema. Idempotent. */
export async function setupCommand(config: CliConfig, out: Output, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const retention = setupRetention(env);
  const settings = setupStreamSettings(env);
  const consumers = consumersWith(setupSessionPartitions(env));
  const t = topology(config.namespace);
  const auth = setupNatsAuth(env);
  const nc = await connect({ servers: config.natsUrl, name: 'reverie-setup', ...auth }).catch((err: Error) => {
    const who = err instanceof AuthorizationError ? (auth.user ? ` as NATS_USER ${auth.user}` : auth.authenticator ? ' with NATS_CREDS' : ' without NATS_USER or NATS_CREDS') : '';
    throw new CliError(`cannot connect to NATS at ${config.natsUrl} (NATS_URL)${who}: ${err.message}`);
  });
  try {
    const streams = await provisionStreams(nc, t, { retention, settings, consumers }).catch((err: Error) => {
      throw new CliError(`cannot provision JetStream at ${config.natsUrl}: ${err.message}`);
    });
    const db = await migrateDatabase(config.databaseUrl).catch((err: Error) => {
      throw new CliError(`cannot migrate Postgres at ${config.databaseUrl} (DATABASE_URL): ${err.message}`);
    });
    out.result({ namespace: t.namespace, ...streams, database: db }, () => [
      `JetStream (${config.natsUrl}${t.namespace ? `, namespace ${t.namespace}` : ''}):`,
      ...streams.streams.map((s) => `  stream   ${s.name.padEnd(22)} ${s.action}${s.limits ? ` (keeps ${s.limits.maxAgeDays} days, at most ${formatBytes(s.limits.maxBytes)})` : ''}`),
      ...streams.consumers.map((c) => `  consumer ${c.name.padEnd(40)} ${c.action}`),
      `Postgres: database ${db.database}; ${db.applied.length ? `applied ${db.applied.join(', ')}` : 'schema up to date'}`,
    ].join('\n'));
  } finally {
    await nc.close();
  }
}

import { connect } from 'nats';
import { topology } from '@reverie/contracts';
import { formatBytes, provisionStreams, retentionFromEnv, RetentionSettingsError, type RetentionSettings } from '@reverie/event-store';
import { migrateDatabase } from '@reverie/persistence';
import type { CliConfig } from '../cli-config';
import { CliError } from '../http';
import type { Output } from '../output';

/**
 * The retention of SERVING and DEADLETTER from REVERIE_SERVING_MAX_AGE_DAYS,
 * REVERIE_SERVING_MAX_BYTES, REVERIE_DEADLETTER_MAX_AGE_DAYS and REVERIE_DEADLETTER_MAX_BYTES;
 * a bad value is a CliError naming each wrong variable.
 */
export function setupRetention(env: NodeJS.ProcessEnv = process.env): RetentionSettings {
  try {
    return retentionFromEnv(env);
  } catch (err) {
    if (err instanceof RetentionSettingsError) throw new CliError(`invalid retention: ${err.message}`);
    throw err;
  }
}

/** Creates or updates the streams, the durable consumers and the database schema. Idempotent. */
export async function setupCommand(config: CliConfig, out: Output, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const retention = setupRetention(env);
  const t = topology(config.namespace);
  const nc = await connect({ servers: config.natsUrl, name: 'reverie-setup' }).catch((err: Error) => {
    throw new CliError(`cannot connect to NATS at ${config.natsUrl} (NATS_URL): ${err.message}`);
  });
  try {
    const streams = await provisionStreams(nc, t, { retention }).catch((err: Error) => {
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

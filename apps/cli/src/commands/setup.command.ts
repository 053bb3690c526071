import { connect } from 'nats';
import { topology } from '@reverie/contracts';
import { provisionStreams } from '@reverie/event-store';
import { migrateDatabase } from '@reverie/persistence';
import type { CliConfig } from '../cli-config';
import { CliError } from '../http';
import type { Output } from '../output';

/** Creates or updates the streams, the durable consumers and the database schema. Idempotent. */
export async function setupCommand(config: CliConfig, out: Output): Promise<void> {
  const t = topology(config.namespace);
  const nc = await connect({ servers: config.natsUrl, name: 'reverie-setup' }).catch((err: Error) => {
    throw new CliError(`cannot connect to NATS at ${config.natsUrl} (NATS_URL): ${err.message}`);
  });
  try {
    const streams = await provisionStreams(nc, t);
    const db = await migrateDatabase(config.databaseUrl).catch((err: Error) => {
      throw new CliError(`cannot migrate Postgres at ${config.databaseUrl} (DATABASE_URL): ${err.message}`);
    });
    out.result({ namespace: t.namespace, ...streams, database: db }, () => [
      `JetStream (${config.natsUrl}${t.namespace ? `, namespace ${t.namespace}` : ''}):`,
      ...streams.streams.map((s) => `  stream   ${s.name.padEnd(22)} ${s.action}`),
      ...streams.consumers.map((c) => `  consumer ${c.name.padEnd(40)} ${c.action}`),
      `Postgres: database ${db.database}; ${db.applied.length ? `applied ${db.applied.join(', ')}` : 'schema up to date'}`,
    ].join('\n'));
  } finally {
    await nc.close();
  }
}

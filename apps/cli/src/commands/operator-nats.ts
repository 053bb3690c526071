import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import type { CliConfig } from '../cli-config';
import { CliError } from '../http';
import { setupNatsAuth } from './setup.command';

/** Runs `fn` on a NATS connection as the operator (`reverie setup`'s user: NATS_USER/NATS_PASSWORD or NATS_CREDS). */
export async function asOperator<T>(config: CliConfig, name: string, fn: (nc: NatsConnection) => Promise<T>): Promise<T> {
  const nc = await connect({ servers: config.natsUrl, name, ...setupNatsAuth() }).catch((err: Error) => {
    throw new CliError(`cannot connect to NATS at ${config.natsUrl} (NATS_URL): ${err.message}`);
  });
  try {
    return await fn(nc);
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError((err as Error).message);
  } finally {
    await nc.close();
  }
}

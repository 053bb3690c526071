import { connect } from '@nats-io/transport-node';
import { topology } from '@reverie/contracts';
import { DeadletterTools } from '@reverie/event-store';
import type { CliConfig } from '../cli-config';
import { CliError } from '../http';
import { table, type Output } from '../output';
import { setupNatsAuth } from './setup.command';

/** DEADLETTER over NATS directly, as the operator (`reverie setup`'s NATS user: NATS_USER/NATS_PASSWORD or NATS_CREDS). */
async function withTools<T>(config: CliConfig, fn: (tools: DeadletterTools) => Promise<T>): Promise<T> {
  const nc = await connect({ servers: config.natsUrl, name: 'reverie-deadletter', ...setupNatsAuth() }).catch((err: Error) => {
    throw new CliError(`cannot connect to NATS at ${config.natsUrl} (NATS_URL): ${err.message}`);
  });
  try {
    return await fn(await DeadletterTools.open(nc, topology(config.namespace)));
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError((err as Error).message);
  } finally {
    await nc.close();
  }
}

export async function deadletterListCommand(config: CliConfig, out: Output, opts: { consumer?: string; all?: boolean; limit?: string }): Promise<void> {
  const limit = opts.limit === undefined ? 100 : Number(opts.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new CliError(`--limit must be a whole number above 0, got "${opts.limit}"`);
  const r = await withTools(config, (t) => t.list({ consumer: opts.consumer, all: opts.all, limit }));
  out.result(r, () => (r.entries.length
    ? `${r.pending} pending of ${r.total} dead-lettered message(s):\n${table(r.entries.map((e) => [String(e.seq), e.at.slice(0, 19), e.consumer, `${e.originalStream}:${e.originalSeq}`, e.redriven ? `redriven ${e.redriven.at.slice(0, 19)}` : 'pending', e.reason.slice(0, 80)]), ['seq', 'at', 'consumer', 'from', 'state', 'reason'])}`
    : `Nothing ${opts.all ? '' : 'pending '}in DEADLETTER (${r.total} message(s) in all).`));
}

export async function deadletterShowCommand(config: CliConfig, out: Output, seq: string): Promise<void> {
  const n = Number(seq);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`give the DEADLETTER sequence of the message (see \`reverie deadletter list\`), got "${seq}"`);
  const e = await withTools(config, (t) => t.show(n));
  out.result(e, () => [`DEADLETTER ${e.seq} (${e.at}), given up by ${e.consumer} after ${e.deliveries} deliveries`, `from ${e.originalStream} message ${e.originalSeq} on ${e.originalSubject}`, `reason: ${e.reason}`, e.redriven ? `redriven ${e.redriven.at} as ${e.originalStream} message ${e.redriven.newSeq}` : 'pending', '', e.data].join('\n'));
}

export async function deadletterRedriveCommand(config: CliConfig, out: Output, seqs: string[], opts: { all?: boolean; consumer?: string }): Promise<void> {
  const done = await withTools(config, async (t) => {
    const targets = opts.all ? (await t.list({ consumer: opts.consumer, limit: 10_000 })).entries.map((e) => e.seq) : seqs.map(Number);
    if (!targets.length) throw new CliError(opts.all ? 'nothing pending to redrive' : 'give the DEADLETTER sequence(s) to redrive, or --all');
    if (targets.some((n) => !Number.isInteger(n) || n < 1)) throw new CliError(`not DEADLETTER sequences: ${seqs.join(' ')}`);
    const results = [];
    for (const n of targets) results.push(await t.redrive(n));
    return results;
  });
  out.result(done, () => done.map((d) => `Redriven ${d.seq} to ${d.consumer} (${d.subject}, new message ${d.newSeq}).`).join('\n'));
}

import { randomBytes } from 'node:crypto';
import type { NatsConnection } from '@nats-io/nats-core';
import { SERVICE_NAMES, topology, type Topology } from '@reverie/contracts';
import type { ProjectionListing, RebuildProgress, RebuildReport } from '@reverie/event-store';
import type { CliConfig } from '../cli-config';
import { CliError } from '../http';
import { table, type Output } from '../output';
import { asOperator } from './operator-nats';

const decode = (data: Uint8Array) => JSON.parse(new TextDecoder().decode(data)) as unknown;
const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

/** Every running service's projections; a service that does not answer is named, not fatal. */
async function listProjections(nc: NatsConnection, t: Topology): Promise<{ projections: ProjectionListing[]; silent: string[] }> {
  const answers = await Promise.all(SERVICE_NAMES.map(async (service) => {
    try {
      const reply = decode((await nc.request(t.command('projections.list', service), encode({}), { timeout: 5000 })).data) as { ok: boolean; projections?: ProjectionListing[]; error?: string };
      if (!reply.ok) throw new Error(reply.error);
      return { service, projections: reply.projections ?? [] };
    } catch {
      return { service, projections: undefined };
    }
  }));
  return { projections: answers.flatMap((a) => a.projections ?? []), silent: answers.filter((a) => !a.projections).map((a) => a.service) };
}

export async function rebuildListCommand(config: CliConfig, out: Output): Promise<void> {
  const t = topology(config.namespace);
  const { projections, silent } = await asOperator(config, 'reverie-rebuild', (nc) => listProjections(nc, t));
  out.result({ projections, notAnswering: silent }, () => [
    table(projections.map((p) => [p.name, p.service, p.stream, p.checkpoint.toLocaleString(), p.rebuildable ? p.tables.join(', ') : 'no (does not declare its tables)']), ['projection', 'service', 'stream', 'at seq', 'rebuildable: tables']),
    ...(silent.length ? [`Not answering (not running?): ${silent.join(', ')}.`] : []),
  ].join('\n'));
}

/**
 * `reverie rebuild <projection>`: the service that runs it rebuilds it from its stream into shadow
 * tables, compares them with the live ones and (unless --compare-only) swaps them in. Exit code 1
 * with --compare-only when they differ.
 */
export async function rebuildCommand(config: CliConfig, out: Output, name: string, opts: { compareOnly?: boolean; timeout?: string }): Promise<number> {
  const minutes = opts.timeout === undefined ? 60 : Number(opts.timeout);
  if (!Number.isFinite(minutes) || minutes <= 0) throw new CliError(`--timeout is in minutes, above 0; got "${opts.timeout}"`);
  const t = topology(config.namespace);
  const mode = opts.compareOnly ? 'compare' : 'swap';
  const report = await asOperator(config, 'reverie-rebuild', async (nc) => {
    const { projections, silent } = await listProjections(nc, t);
    const target = projections.find((p) => p.name === name);
    if (!target) {
      throw new CliError(`no running service has a projection named "${name}"; they have: ${projections.map((p) => p.name).join(', ') || 'none'}${silent.length ? ` (not answering: ${silent.join(', ')})` : ''}`);
    }
    if (!target.rebuildable) throw new CliError(`${name} does not declare the tables it owns, so it cannot be rebuilt`);
    const progressId = randomBytes(8).toString('hex');
    const progress = nc.subscribe(t.command('projections.progress', progressId), {
      callback: (err, msg) => {
        if (err || !process.stderr.isTTY || out.json) return;
        const p = decode(msg.data) as RebuildProgress;
        process.stderr.write(`\r\x1b[K${p.phase}: ${p.events.toLocaleString()} events, at seq ${p.seq.toLocaleString()} of ${p.target.toLocaleString()}`);
      },
    });
    out.note(`Rebuilding ${name} in ${target.service} from ${target.stream.toUpperCase()} (${mode === 'swap' ? 'compare, then swap' : 'compare only'})…`);
    try {
      const reply = decode((await nc.request(t.command('projections.rebuild', target.service), encode({ projection: name, mode, progressId }), { timeout: minutes * 60_000 })).data) as { ok: boolean; report?: RebuildReport; error?: string };
      if (!reply.ok || !reply.report) throw new CliError(`${target.service} could not rebuild ${name}: ${reply.error}`);
      return { ...reply.report, service: target.service };
    } finally {
      progress.unsubscribe();
      if (process.stderr.isTTY && !out.json) process.stderr.write('\r\x1b[K');
    }
  });
  out.result(report, () => describeRebuild(report));
  return mode === 'compare' && !report.equal ? 1 : 0;
}

export function describeRebuild(r: RebuildReport & { service: string }): string {
  const onlyLive = r.tables.reduce((n, x) => n + x.onlyLive, 0);
  const onlyRebuilt = r.tables.reduce((n, x) => n + x.onlyRebuilt, 0);
  return [
    `${r.projection} (${r.service}): ${r.events.toLocaleString()} events re-applied in ${r.seconds.toFixed(1)} s, compared at stream sequence ${r.checkpoint.toLocaleString()}.`,
    table(r.tables.map((x) => [x.table, String(x.liveRows), String(x.rebuiltRows), String(x.onlyLive), String(x.onlyRebuilt)]), ['table', 'live rows', 'rebuilt rows', 'only live', 'only rebuilt']),
    r.equal ? 'The live tables equal the rebuild.' : `The live tables differ from the rebuild: ${onlyLive} row(s) only in the live tables, ${onlyRebuilt} only in the rebuilt ones.`,
    r.swapped ? `Swapped: the rebuilt tables are live; the replaced ones are kept in schema ${r.previousSchema} until the next rebuild of this projection.` : 'Nothing was changed (--compare-only).',
  ].join('\n');
}

/**
 * What the chaos tests share: services and nats-server as processes of their own, the ingest
 * load (a batch is sent again until acknowledged), the check that no acknowledged event is
 * missing from SESSIONS or stored twice, and the one that the sessions read model caught up and
 * equals its rebuild.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { newId, sessionEventSchema, type ServiceName, type SessionEvent } from '@reverie/contracts';
import { SessionBuilder } from '@reverie/dreaming-domain';
import { jetstreamManager } from '@nats-io/jetstream';
import { rebuildProjectionInShadow, replay, type EventStore } from '@reverie/event-store';
import { createDataSource } from '@reverie/persistence';
import { eventually, readinessOf } from '@reverie/testing';
import { sessionsProjection } from '../apps/session-ingest/src/sessions/sessions.projection';

export const ROOT = path.resolve(__dirname, '..');
/** Where the services' logs go. */
export const STATE = path.join(ROOT, '.reverie/chaos');

/** The built services (`npm run build`) the chaos tests run; built once when missing. */
export function ensureBuilt(): void {
  mkdirSync(STATE, { recursive: true });
  if (!existsSync(path.join(ROOT, 'dist/apps/session-ingest/src/main.js'))) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
}

/** A service of the build as a process of its own, logging to `.reverie/chaos/<log>`. */
export function spawnService(service: ServiceName, env: NodeJS.ProcessEnv, log: string): ChildProcess {
  const out = openSync(path.join(STATE, log), 'a');
  return spawn(process.execPath, [path.join(ROOT, `dist/apps/${service}/src/main.js`)], { env, stdio: ['ignore', out, out] });
}

/** Ready, as the process this test started says (not another test's service on a port taken meanwhile). */
export async function ownServiceReady(proc: ChildProcess | undefined, port: number, service: ServiceName): Promise<boolean> {
  if (!proc || proc.exitCode !== null) return false;
  const r = await readinessOf(`http://127.0.0.1:${port}`);
  return r.status === 200 && r.service === service;
}

/** Ends a process (kill -9 by default) and waits until it has. */
export async function stopProcess(p: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (!p || p.exitCode !== null) return;
  await new Promise<void>((resolve) => { p.once('exit', () => resolve()); p.kill(signal); });
}

/** nats-server with `args`, once it says it is ready; refuses one that exited. */
export async function startNatsServer(args: string[]): Promise<ChildProcess> {
  let log = '';
  const nats = spawn('nats-server', args);
  nats.stderr?.on('data', (d) => (log += d));
  await eventually(() => log.includes('Server is ready') || nats.exitCode !== null, { what: 'nats-server ready', timeoutMs: 20_000 });
  if (nats.exitCode !== null) throw new Error(`nats-server exited: ${log}`);
  return nats;
}

/**
 * Session `n` of tenant `chaos` as an agent sends it (ingest sets tenant and recordedAt): a task,
 * `npm test` (one in `failEvery` fails with `failOutput`), thanks, the outcome. `padded` makes each
 * event ~1 KiB (to fill a store).
 */
export function chaosSession(n: number, options: { prefix: string; users: number; failEvery: number; failOutput: string; padded?: boolean }): SessionEvent[] {
  const b = new SessionBuilder('chaos', `${options.prefix}-${n}-${newId().slice(0, 8)}`, 'chaos-bot', `u-${n % options.users}`, Date.UTC(2026, 10, 1) + n * 1000);
  const fails = n % options.failEvery === 0;
  b.start(options.padded ? `Task ${n}: ${'describe the change in detail '.repeat(20)}` : `Task ${n}`);
  b.tool('Bash', { command: 'npm test' }, `${options.padded ? 'output line\n'.repeat(40) : ''}${fails ? options.failOutput : 'ok'}`, fails);
  b.user('thanks');
  return b.end(fails ? 'failure' : 'success').map(({ tenantId: _t, recordedAt: _r, ...e }) => e as SessionEvent);
}

export interface IngestAnswer { status: number; retryAfter: string | null; detail: string }

/**
 * POSTs one batch to session-ingest; on 202/207 records each accepted event (id → session) in
 * `acked`. Status 0 when nothing answered. The caller sends the same batch again until acknowledged.
 */
export async function ingestBatch(port: number, key: string, events: SessionEvent[], acked: Map<string, string>): Promise<IngestAnswer> {
  const res = await fetch(`http://127.0.0.1:${port}/v1/events`, { method: 'POST', headers: { 'x-api-key': key, 'content-type': 'application/json' }, body: JSON.stringify({ events }) }).catch(() => undefined);
  if (!res) return { status: 0, retryAfter: null, detail: '' };
  if (res.status === 202 || res.status === 207) {
    const body = (await res.json()) as { rejected: { index: number }[] };
    const rejected = new Set(body.rejected.map((r) => r.index));
    events.forEach((e, i) => { if (!rejected.has(i)) acked.set(e.id, e.streamId); });
  }
  const detail = res.status === 202 || res.status === 207 ? '' : ((await res.json().catch(() => ({}))) as { detail?: string }).detail ?? '';
  return { status: res.status, retryAfter: res.headers.get('retry-after'), detail };
}

export const acknowledged = (a: IngestAnswer) => a.status === 202 || a.status === 207;

/** Every event in SESSIONS by id, with how many times it is stored; and the acknowledged ones missing. */
export async function sessionsLog(store: EventStore, acked: Map<string, string>): Promise<{ inLog: Map<string, number>; lost: number; twice: number }> {
  const inLog = new Map<string, number>();
  for await (const batch of replay(store, 'sessions', sessionEventSchema)) for (const { event } of batch) inLog.set(event.id, (inLog.get(event.id) ?? 0) + 1);
  return { inLog, lost: [...acked.keys()].filter((id) => !inLog.has(id)).length, twice: [...inLog.values()].filter((c) => c > 1).length };
}

/**
 * After a fault: the sessions projection caught up, nothing dead-lettered, the read model equal
 * to its rebuild from the log (each event counted once) with one row per acknowledged session.
 */
export async function expectSessionsReadModelRebuilt(store: EventStore, databaseUrl: string, inLog: Map<string, number>, acked: Map<string, string>): Promise<void> {
  const t = store.topology;
  const jsm = await jetstreamManager(store.nc);
  await eventually(async () => {
    const info = await jsm.consumers.info(t.streamName('sessions'), t.consumerName('session-ingest', 'sessions-projection'));
    return info.num_pending === 0 && info.num_ack_pending === 0;
  }, { what: 'sessions projection caught up', timeoutMs: 60_000 });
  expect((await jsm.streams.info(t.streamName('deadletter'))).state.messages).toBe(0);
  const ds = createDataSource({ url: databaseUrl, poolSize: 2 });
  await ds.initialize();
  try {
    const report = await rebuildProjectionInShadow({ store, dataSource: ds, stream: 'sessions', parser: sessionEventSchema, projection: sessionsProjection }, { mode: 'compare' });
    expect(report).toMatchObject({ equal: true, events: inLog.size });
    const [{ sessions }] = await ds.query('SELECT count(*)::int AS sessions FROM ingest_sessions');
    expect(sessions).toBe(new Set(acked.values()).size);
  } finally {
    await ds.destroy();
  }
}

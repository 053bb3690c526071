import { createHash } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { Envelope, StreamKey } from '@reverie/contracts';
import { parseMessage, type EventParser } from './consumer-runner';
import { REDRIVE_HEADER } from './deadletter-tools';
import { readToEnd } from './ordered-read';
import type { EventStore, StoredEvent } from './event-store';
import { applyProjectionBatch, type Projection } from './projection-runner';
import { compareTables, type TableComparison } from './table-comparison';

/** What a rebuild needs of a projection: the stream it reads and the tables it alone writes. */
export interface RebuildTarget<E extends Envelope> {
  store: EventStore;
  dataSource: DataSource;
  stream: StreamKey;
  parser: EventParser<E>;
  projection: Projection<E>;
}

export type RebuildMode = 'swap' | 'compare';

/** A projection a service runs, as `reverie rebuild --list` shows it. */
export interface ProjectionListing {
  name: string;
  service: string;
  stream: StreamKey;
  tables: string[];
  rebuildable: boolean;
  checkpoint: number;
}

export interface RebuildProgress {
  phase: 'shadow' | 'replay' | 'catch-up' | 'compare' | 'swap' | 'done';
  /** Events re-applied so far. */
  events: number;
  /** Stream sequence reached, and the one the replay goes to. */
  seq: number;
  target: number;
}

export interface RebuildReport {
  projection: string;
  mode: RebuildMode;
  /** Events re-applied into the shadow tables. */
  events: number;
  /** The live checkpoint the shadow was compared at (the live projection was held there). */
  checkpoint: number;
  tables: TableComparison[];
  /** No row differs between the live and the rebuilt tables (volatile columns aside). */
  equal: boolean;
  swapped: boolean;
  /** Where the replaced tables are kept after a swap (dropped by the next rebuild of this projection). */
  previousSchema?: string;
  seconds: number;
}

const BOOKKEEPING = ['projection_checkpoints', 'projection_applied'];

/** A Postgres identifier (≤ 63 bytes) for a projection's shadow or previous schema. */
export function rebuildSchemaName(kind: 'rebuild' | 'previous', projection: string): string {
  const slug = projection.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
  const hash = createHash('sha256').update(projection).digest('hex').slice(0, 8);
  return `${kind}_${slug.slice(0, 40)}_${hash}`;
}

/**
 * Rebuilds a projection from the log without stopping it: its tables are created empty in a
 * shadow schema and every event up to the live checkpoint is re-applied there (through the same
 * `apply`, with the shadow schema first on the search path). Then, in one transaction holding
 * the live checkpoint row and the live tables (so the live projection waits and nothing else
 * writes them), the shadow catches up to the live checkpoint, each table is compared row by row
 * with the live one, and — in `swap` mode — the live tables are moved aside and the shadow ones
 * put in their place with their index names. The live checkpoint and claims stay: the rebuilt
 * tables hold exactly the events up to it, so the live projection resumes where it was.
 */
export async function rebuildProjectionInShadow<E extends Envelope>(
  target: RebuildTarget<E>,
  options: { mode: RebuildMode; onProgress?: (p: RebuildProgress) => void; batchSize?: number },
): Promise<RebuildReport> {
  const started = Date.now();
  const { dataSource, projection } = target;
  const tables = projection.tables;
  if (!tables?.length) throw new Error(`projection ${projection.name} does not declare the tables it owns: it cannot be rebuilt`);
  const shadow = rebuildSchemaName('rebuild', projection.name);
  const previous = rebuildSchemaName('previous', projection.name);
  const progress = { phase: 'shadow' as RebuildProgress['phase'], events: 0, seq: 0, target: 0 };
  const report = (phase: RebuildProgress['phase']) => options.onProgress?.({ ...progress, phase });

  const live = await liveSchemaOf(dataSource, tables);
  report('shadow');
  await dataSource.transaction(async (m) => {
    await m.query(`DROP SCHEMA IF EXISTS ${shadow} CASCADE`);
    await m.query(`CREATE SCHEMA ${shadow}`);
    for (const t of [...tables, ...BOOKKEEPING]) await m.query(`CREATE TABLE ${shadow}.${t} (LIKE ${live}.${t} INCLUDING ALL)`);
  });

  try {
    progress.target = await checkpointIn(dataSource, live, projection.name);
    report('replay');
    await replayInto(target, shadow, 0, progress.target, options.batchSize, (seq, n) => { progress.seq = seq; progress.events += n; report('replay'); });

    let result: Omit<RebuildReport, 'seconds'> | undefined;
    await dataSource.transaction(async (m) => {
      // The live projection's commit starts by locking this row: it waits here until we are done.
      const held = await checkpointIn(m, live, projection.name, 'FOR UPDATE');
      await m.query(`LOCK TABLE ${tables.map((t) => `${live}.${t}`).join(', ')} IN ACCESS EXCLUSIVE MODE`);
      progress.target = held;
      report('catch-up');
      const shadowAt = await checkpointIn(m, shadow, projection.name);
      if (held > shadowAt) {
        await replayInto(target, shadow, shadowAt, held, options.batchSize, (seq, n) => { progress.seq = seq; progress.events += n; report('catch-up'); }, m);
      }
      report('compare');
      const comparisons: TableComparison[] = [];
      for (const t of tables) comparisons.push(await compareTables(m, `${live}.${t}`, `${shadow}.${t}`, projection.volatileColumns?.[t] ?? []));
      const equal = comparisons.every((c) => c.onlyLive === 0 && c.onlyRebuilt === 0);
      let swapped = false;
      if (options.mode === 'swap') {
        report('swap');
        await swapTables(m, live, shadow, previous, tables);
        swapped = true;
      }
      result = { projection: projection.name, mode: options.mode, events: progress.events, checkpoint: held, tables: comparisons, equal, swapped, previousSchema: swapped ? previous : undefined };
    });
    report('done');
    return { ...result!, seconds: (Date.now() - started) / 1000 };
  } finally {
    await dataSource.query(`DROP SCHEMA IF EXISTS ${shadow} CASCADE`);
  }
}

/** A projection's checkpoint in the live or the shadow schema (0 before its first batch), optionally with its row locked. */
async function checkpointIn(q: DataSource | EntityManager, schema: string, projection: string, lock: '' | 'FOR UPDATE' = ''): Promise<number> {
  const rows: { last_seq: string }[] = await q.query(`SELECT last_seq FROM ${schema}.projection_checkpoints WHERE projection = $1 ${lock}`, [projection]);
  return Number(rows[0]?.last_seq ?? 0);
}

/** The schema the projection's tables live in (the first on the search path that has them all). */
async function liveSchemaOf(dataSource: DataSource, tables: readonly string[]): Promise<string> {
  const rows: { table: string; schema: string | null }[] = await dataSource.query(
    `SELECT t AS table, (SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass(t)) AS schema
     FROM unnest($1::text[]) AS t`,
    [[...tables, ...BOOKKEEPING]],
  );
  const missing = rows.filter((r) => !r.schema).map((r) => r.table);
  if (missing.length) throw new Error(`table(s) not found: ${missing.join(', ')} (run \`reverie setup\` first)`);
  const schemas = new Set(rows.map((r) => r.schema));
  if (schemas.size !== 1) throw new Error(`the projection's tables are spread over several schemas (${[...schemas].join(', ')})`);
  return `"${[...schemas][0]}"`;
}

/** Re-applies the events after `fromSeq` up to `toSeq` into the shadow schema, one transaction per batch. */
async function replayInto<E extends Envelope>(
  target: RebuildTarget<E>, shadow: string, fromSeq: number, toSeq: number, batchSize = 500,
  onBatch: (seq: number, events: number) => void, manager?: EntityManager,
): Promise<void> {
  if (toSeq <= fromSeq) return;
  const { store, projection, parser } = target;
  const commit = async (batch: StoredEvent<E>[], lastSeq: number) => {
    const run = async (m: EntityManager) => {
      await m.query(`SET LOCAL search_path TO ${shadow}`);
      await applyProjectionBatch(m, projection, batch, { upTo: lastSeq });
    };
    if (manager) {
      // Inside the caller's transaction: put its search path back after the batch.
      const [{ search_path: original }] = await manager.query('SHOW search_path') as { search_path: string }[];
      await run(manager);
      await manager.query(`SELECT set_config('search_path', $1, true)`, [original]);
    } else {
      await target.dataSource.transaction(run);
    }
    onBatch(lastSeq, batch.length);
  };
  let batch: StoredEvent<E>[] = [];
  let lastSeq = fromSeq;
  for await (const m of readToEnd(store.js, store.topology.streamName(target.stream), store.topology.wildcard(target.stream), { fromSeq: fromSeq + 1, maxMessages: batchSize })) {
    if (m.seq > toSeq) break;
    lastSeq = m.seq;
    // A redriven copy is for the one consumer that failed the original: the original is replayed.
    const parsed = m.headers?.get(REDRIVE_HEADER) ? undefined : parseMessage(m, parser);
    if (parsed && 'event' in parsed) batch.push({ event: parsed.event, seq: m.seq, subject: m.subject });
    if (batch.length >= batchSize) {
      await commit(batch, lastSeq);
      batch = [];
    }
    if (m.seq === toSeq) break;
  }
  if (batch.length || lastSeq > fromSeq) await commit(batch, lastSeq);
}

/** Moves the live tables to `previous` and the shadow ones into the live schema, keeping index names. */
async function swapTables(m: EntityManager, live: string, shadow: string, previous: string, tables: readonly string[]): Promise<void> {
  await m.query(`DROP SCHEMA IF EXISTS ${previous} CASCADE`);
  await m.query(`CREATE SCHEMA ${previous}`);
  for (const t of tables) {
    const oldIndexes: { name: string; def: string }[] = await m.query(
      `SELECT indexname AS name, indexdef AS def FROM pg_indexes WHERE schemaname = $1 AND tablename = $2`, [unquote(live), t]);
    const newIndexes: { name: string; def: string }[] = await m.query(
      `SELECT indexname AS name, indexdef AS def FROM pg_indexes WHERE schemaname = $1 AND tablename = $2`, [shadow, t]);
    await m.query(`ALTER TABLE ${live}.${t} SET SCHEMA ${previous}`);
    await m.query(`ALTER TABLE ${shadow}.${t} SET SCHEMA ${live}`);
    // LIKE … INCLUDING ALL names copied indexes after their columns; migrations know the old names.
    const shape = (def: string, name: string, schema: string) => def.replace(` ${quoteIfNeeded(name)} ON `, ' ? ON ').replace(`${schema}.`, '').replace(`"${schema}".`, '');
    for (const n of newIndexes) {
      const old = oldIndexes.find((o) => shape(o.def, o.name, unquote(live)) === shape(n.def, n.name, shadow));
      if (old && old.name !== n.name) await m.query(`ALTER INDEX ${live}."${n.name}" RENAME TO "${old.name}"`);
    }
  }
}

const unquote = (s: string) => s.replace(/^"|"$/g, '');
const quoteIfNeeded = (name: string) => (/^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name}"`);

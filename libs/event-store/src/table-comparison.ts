import type { EntityManager } from 'typeorm';

export interface TableComparison {
  table: string;
  liveRows: number;
  rebuiltRows: number;
  /** Rows (as multisets, volatile columns left out) in the live table and not in the rebuilt one, and the reverse. */
  onlyLive: number;
  onlyRebuilt: number;
}

/**
 * Compares two tables of the same shape row by row (EXCEPT ALL both ways), leaving out columns
 * that hold when a row was written rather than what the events say. Counts only: the rows are
 * read models of sessions and lessons, and a report is printed and logged.
 */
export async function compareTables(m: EntityManager, live: string, rebuilt: string, volatile: readonly string[]): Promise<TableComparison> {
  const [schema, table] = live.split('.').map((s) => s.replace(/^"|"$/g, ''));
  const columns: { name: string; type: string }[] = await m.query(
    `SELECT column_name AS name, data_type AS type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`,
    [schema, table],
  );
  const compared = columns.filter((c) => !volatile.includes(c.name));
  if (!compared.length) throw new Error(`no column of ${live} is left to compare`);
  // json has no equality operator; its text is what was written.
  const select = compared.map((c) => (c.type === 'json' ? `"${c.name}"::text` : `"${c.name}"`)).join(', ');
  const [row] = await m.query(
    `SELECT (SELECT count(*) FROM ${live})::int AS live_rows, (SELECT count(*) FROM ${rebuilt})::int AS rebuilt_rows,
       (SELECT count(*) FROM (SELECT ${select} FROM ${live} EXCEPT ALL SELECT ${select} FROM ${rebuilt}) d)::int AS only_live,
       (SELECT count(*) FROM (SELECT ${select} FROM ${rebuilt} EXCEPT ALL SELECT ${select} FROM ${live}) d)::int AS only_rebuilt`,
  ) as { live_rows: number; rebuilt_rows: number; only_live: number; only_rebuilt: number }[];
  return { table, liveRows: row.live_rows, rebuiltRows: row.rebuilt_rows, onlyLive: row.only_live, onlyRebuilt: row.only_rebuilt };
}

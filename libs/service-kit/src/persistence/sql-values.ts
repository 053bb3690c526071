/**
 * `($1, $2), ($3, $4)` and the flat parameter list for a multi-row INSERT: one statement per
 * batch instead of one per row. `casts` appends a cast per column (e.g. '::jsonb').
 */
export function multiRowValues(rows: unknown[][], casts: string[] = []): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const tuples = rows.map((row) => {
    const cells = row.map((value, i) => {
      params.push(value);
      return `$${params.length}${casts[i] ?? ''}`;
    });
    return `(${cells.join(', ')})`;
  });
  return { sql: tuples.join(', '), params };
}

/** Command-line options and small statistics shared by the benchmark scripts. */

/** `--name value` or `--name=value`; undefined when absent; a clear error when the value is missing. */
export function stringArg(name: string): string | undefined {
  const inline = process.argv.find((a) => a.startsWith(`--${name}=`));
  if (inline) return inline.slice(name.length + 3);
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const v = process.argv[i + 1];
  if (!v || v.startsWith('--')) throw new Error(`--${name} needs a value`);
  return v;
}

/** A positive whole number option. */
export function intArg(name: string, fallback: number): number {
  const raw = stringArg(name);
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive whole number, got ${raw}`);
  return v;
}

/** A comma-separated list of integers. */
export function intListArg(name: string, fallback: number[]): number[] {
  const raw = stringArg(name);
  if (raw === undefined) return fallback;
  return raw.split(',').map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n)) throw new Error(`--${name} must be a comma-separated list of integers, got ${s}`);
    return n;
  });
}

/** The q-quantile of an ascending array (nearest rank). */
export const quantile = (sorted: number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];

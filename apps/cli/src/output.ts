/** Every command prints for people by default and one JSON document with --json. */
export interface Output {
  json: boolean;
  /** The command's result: printed as JSON, or rendered for people by `human`. */
  result(value: unknown, human: () => string): void;
  /** Progress and notes for people; silent with --json. Goes to stderr so stdout stays clean. */
  note(line: string): void;
}

export function createOutput(json: boolean): Output {
  return {
    json,
    result(value, human) {
      process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
    },
    note(line) {
      if (!json) process.stderr.write(`${line}\n`);
    },
  };
}

export function table(rows: string[][], header?: string[]): string {
  const all = header ? [header, ...rows] : rows;
  if (!all.length) return '';
  const widths = all[0].map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const fmt = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : (c ?? '').padEnd(widths[i]))).join('  ').trimEnd();
  return [...(header ? [fmt(header), widths.map((w) => '-'.repeat(w)).join('  ')] : []), ...rows.map(fmt)].join('\n');
}

export function wrap(text: string, width = 96, indent = ''): string {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if ((line + ' ' + w).trim().length > width) { lines.push(line); line = w; } else line = (line + ' ' + w).trim();
  }
  if (line) lines.push(line);
  return lines.map((l) => indent + l).join('\n');
}

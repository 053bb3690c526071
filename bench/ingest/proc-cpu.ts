import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times: 100 on Linux (USER_HZ). */
const USER_HZ = 100;

/**
 * CPU seconds (user + system) used so far by the live processes with these command names, from
 * /proc (Linux only; `undefined` elsewhere). Processes that exited since the last reading are not
 * counted, so this is a lower bound for short-lived Postgres backends.
 */
export function processCpuSeconds(names: readonly string[]): Record<string, number> | undefined {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return undefined;
  }
  const out: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
  for (const pid of pids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    if (!(comm in out)) continue;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[11] and [12] are utime and stime (fields 14 and 15 of stat(5)).
    out[comm] += (Number(fields[11]) + Number(fields[12])) / USER_HZ;
  }
  return out;
}

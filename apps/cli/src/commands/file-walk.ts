import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

const IMPORTABLE = /\.(jsonl|json|traj)$/i;

/** Files under the given paths, recursively, in a stable order (e.g. all of `~/.claude/projects`). */
export async function walkFiles(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  const visit = async (p: string, explicit: boolean): Promise<void> => {
    const s = await stat(p).catch(() => undefined);
    if (!s) {
      if (explicit) throw new Error(`no such file or directory: ${p}`);
      return;
    }
    if (s.isDirectory()) {
      const entries = (await readdir(p)).filter((e) => !e.startsWith('.')).sort();
      for (const e of entries) await visit(path.join(p, e), false);
    } else if (explicit || IMPORTABLE.test(p)) {
      out.push(p);
    }
  };
  for (const p of paths) await visit(p, true);
  return out;
}

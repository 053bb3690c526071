import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

const IMPORTABLE = /\.(jsonl|json|traj)$/i;
/** SpecStory saves chats as Markdown under `.specstory/history/`: those Markdown files are sessions, a README is not. */
const SPECSTORY_HISTORY = /(?:^|[\\/])\.specstory[\\/]history[\\/][^\\/]+\.md$/i;
/** Hidden folders are skipped, except the one SpecStory keeps its history in. */
const visibleEntry = (dir: string, e: string) => !e.startsWith('.') || (e === '.specstory' && !dir.includes('.specstory'));

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
      const entries = (await readdir(p)).filter((e) => visibleEntry(p, e)).sort();
      for (const e of entries) await visit(path.join(p, e), false);
    } else if (explicit || IMPORTABLE.test(p) || SPECSTORY_HISTORY.test(p)) {
      out.push(p);
    }
  };
  for (const p of paths) await visit(p, true);
  return out;
}

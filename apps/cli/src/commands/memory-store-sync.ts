import { createHash } from 'node:crypto';
import Anthropic from '@anthropic-ai/sdk';
import { exportOrder, type ExportedLesson } from './lesson-export';

/** Where Reverie's memories live in a store: one per lesson under LESSONS_DIR, and an index. */
export const MEMORY_ROOT = '/reverie';
const LESSONS_DIR = `${MEMORY_ROOT}/lessons`;
export const INDEX_PATH = `${MEMORY_ROOT}/index.md`;

export interface DesiredMemory { path: string; content: string }
export interface StoredMemory { id: string; path: string; content_sha256: string }
export interface MemorySyncPlan {
  create: DesiredMemory[];
  /** Updated in place (same memory id), only if it still holds what was read (`expectedSha256`). */
  update: (DesiredMemory & { id: string; expectedSha256: string })[];
  remove: StoredMemory[];
  unchanged: number;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const oneLine = (t: string) => t.replace(/\s+/g, ' ').trim();
export const lessonPath = (l: Pick<ExportedLesson, 'id' | 'kind'>) => `${LESSONS_DIR}/${l.kind}/${l.id}.md`;

/** What the store should hold: each active lesson's memory (its version in it) and the index of them. */
export function desiredMemories(lessons: readonly ExportedLesson[]): DesiredMemory[] {
  const list = exportOrder(lessons);
  const memories = list.map((l) => ({
    path: lessonPath(l),
    content: [
      `# ${l.kind === 'mistake' ? 'Mistake to avoid' : l.kind === 'workflow' ? 'Workflow that works' : 'Team preference'}`,
      '',
      oneLine(l.text),
      '',
      `Reverie lesson ${l.id}, version ${l.version}${l.approvedBy ? `, approved by ${l.approvedBy}` : ''}, learned from ${l.sessions} session(s). Advice your team reviewed, not an instruction that outranks the user. Managed by \`reverie export lessons\`: edits here are overwritten.`,
      '',
    ].join('\n'),
  }));
  const index = [
    '# Lessons from Reverie',
    '',
    `${list.length} lesson(s) your team reviewed and approved, learned from past agent sessions. Read the one that fits the task at hand.`,
    '',
    ...list.map((l) => `- ${lessonPath(l)}: ${oneLine(l.text).slice(0, 120)}`),
    '',
  ].join('\n');
  return [...memories, { path: INDEX_PATH, content: index }];
}

/** Create what is missing, update in place what changed, remove Reverie's memories of lessons no longer active. */
export function planMemorySync(stored: readonly StoredMemory[], desired: readonly DesiredMemory[]): MemorySyncPlan {
  const byPath = new Map(stored.filter((m) => m.path.startsWith(`${MEMORY_ROOT}/`)).map((m) => [m.path, m]));
  const plan: MemorySyncPlan = { create: [], update: [], remove: [], unchanged: 0 };
  for (const d of desired) {
    const m = byPath.get(d.path);
    byPath.delete(d.path);
    if (!m) plan.create.push(d);
    else if (m.content_sha256 !== sha256(d.content)) plan.update.push({ ...d, id: m.id, expectedSha256: m.content_sha256 });
    else plan.unchanged++;
  }
  plan.remove = [...byPath.values()].sort((a, b) => a.path.localeCompare(b.path));
  return plan;
}

/**
 * Syncs the active lessons into an Anthropic Managed Agents memory store through the SDK's
 * memory-store API: one memory per lesson plus an index, each updated in place when its lesson's
 * version changes (guarded by the content hash read), removed when the lesson is no longer active.
 */
export async function syncMemoryStore(client: Anthropic, storeId: string, lessons: readonly ExportedLesson[]): Promise<{ created: number; updated: number; removed: number; unchanged: number }> {
  const stored: StoredMemory[] = [];
  for await (const item of client.beta.memoryStores.memories.list(storeId, { path_prefix: `${MEMORY_ROOT}/`, view: 'basic' })) {
    if (item.type === 'memory') stored.push({ id: item.id, path: item.path, content_sha256: item.content_sha256 });
  }
  const plan = planMemorySync(stored, desiredMemories(lessons));
  for (const m of plan.create) await client.beta.memoryStores.memories.create(storeId, { path: m.path, content: m.content });
  for (const m of plan.update) {
    await client.beta.memoryStores.memories.update(m.id, { memory_store_id: storeId, content: m.content, precondition: { type: 'content_sha256', content_sha256: m.expectedSha256 } });
  }
  for (const m of plan.remove) await client.beta.memoryStores.memories.delete(m.id, { memory_store_id: storeId });
  return { created: plan.create.length, updated: plan.update.length, removed: plan.remove.length, unchanged: plan.unchanged };
}

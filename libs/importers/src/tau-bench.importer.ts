import type { SessionOutcome } from '@reverie/contracts';
import { openAiSteps, recordChatSteps } from './chat-steps';
import { ImportError } from './import.error';
import { newSession, type ImportContext } from './import.context';
import type { FormatImport, ImportedSession, ImportRejection } from './import.types';
import { baseName, isRecord, str } from './import.util';

/** Benchmark reward → outcome: 1 (or more) is success, below 1 failure, no reward unknown. */
export function rewardOutcome(reward: unknown): { outcome: SessionOutcome; reward?: number } {
  if (typeof reward !== 'number' || !Number.isFinite(reward)) return { outcome: 'unknown' };
  return { outcome: reward >= 1 ? 'success' : 'failure', reward };
}

/**
 * Some τ-bench runs score with a composite `reward` (below 1 even when the task was done) and
 * keep the binary label in `info.reward_info.components.base_success`: that label decides.
 */
function tauBenchOutcome(rewardValue: unknown, info: Record<string, unknown>): { outcome: SessionOutcome; reward?: number } {
  const rewardInfo = isRecord(info['reward_info']) ? info['reward_info'] : {};
  const components = isRecord(rewardInfo['components']) ? rewardInfo['components'] : {};
  const base = components['base_success'];
  const scored = rewardOutcome(rewardValue);
  if (typeof base === 'boolean' || typeof base === 'number') return { outcome: base === true || base === 1 ? 'success' : 'failure', reward: scored.reward };
  return scored;
}

/**
 * τ-bench trajectories: `[{task_id, trial, reward, info, traj}]`, `traj` in OpenAI chat format.
 * One session per item; the simulated customer (`info.task.user_id`) is the session's user
 * unless options.userId is given.
 */
export function importTauBench(ctx: ImportContext, value: unknown): FormatImport {
  const items = Array.isArray(value) ? value : isRecord(value) ? [value] : undefined;
  if (!items) throw new ImportError(ctx.file, 'expected a τ-bench list of {task_id, trial, reward, traj}');
  const sessions: ImportedSession[] = [];
  const rejected: ImportRejection[] = [];
  const seen = new Set<string>();
  items.forEach((item, i) => {
    if (!isRecord(item) || !Array.isArray(item['traj'])) {
      rejected.push({ file: ctx.file, reason: `item ${i}: no traj array` });
      return;
    }
    const taskId = String(item['task_id'] ?? i);
    const trial = String(item['trial'] ?? i);
    let nativeId = `${baseName(ctx.file)}-task-${taskId}-trial-${trial}`;
    if (seen.has(nativeId)) nativeId = `${nativeId}-${i}`;
    seen.add(nativeId);
    const info = isRecord(item['info']) ? item['info'] : {};
    const task = isRecord(info['task']) ? info['task'] : {};
    const b = newSession(ctx, 'tau-bench', nativeId, str(task['user_id']));
    const { task: firstMessage } = recordChatSteps(b, openAiSteps(item['traj']));
    const { outcome, reward } = tauBenchOutcome(item['reward'], info);
    sessions.push(b.build(
      { task: firstMessage, metadata: { taskId: item['task_id'] ?? null, trial: item['trial'] ?? null } },
      { outcome, reward, reason: reward === undefined ? undefined : `τ-bench reward ${reward}` },
    ));
  });
  return { sessions, rejected };
}

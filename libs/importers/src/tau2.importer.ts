import { SUBJECT_TOKEN } from '@reverie/contracts';
import { recordChatSteps, tau2Steps } from './chat-steps';
import { ImportError } from './import.error';
import { newSession, type ImportContext } from './import.context';
import type { FormatImport, ImportedSession, ImportRejection } from './import.types';
import { baseName, isRecord, str } from './import.util';
import { rewardOutcome } from './tau-bench.importer';

const FAILED_TERMINATIONS = new Set(['too_many_errors', 'max_steps', 'agent_error', 'user_error', 'invalid_agent_message', 'invalid_user_message']);

/**
 * τ²-bench results: `{simulations: [...]}`, a list of simulations, or one simulation
 * `{id, task_id, trial, messages, reward_info: {reward}, termination_reason}`. Tool calls made by
 * the simulated user (requestor 'user', telecom domain) are recorded with a user actor.
 * The agent is `tau2-<domain>` from `info.environment_info.domain_name` unless the caller named it.
 * Outcome from `reward_info.reward`; without a reward, an error termination is a failure.
 */
export function importTau2(ctx: ImportContext, value: unknown): FormatImport {
  const sims = isRecord(value) && Array.isArray(value['simulations']) ? value['simulations']
    : Array.isArray(value) ? value
      : isRecord(value) ? [value] : undefined;
  if (!sims) throw new ImportError(ctx.file, 'expected τ²-bench results {simulations: [...]}');
  const sessions: ImportedSession[] = [];
  const rejected: ImportRejection[] = [];
  // Each domain (retail, telecom, airline) is a different agent with its own tools and policy.
  const domain = isRecord(value) && isRecord(value['info']) && isRecord(value['info']['environment_info']) ? str(value['info']['environment_info']['domain_name']) : undefined;
  const agentCtx = !ctx.agentNamed && domain && SUBJECT_TOKEN.test(`tau2-${domain}`) ? { ...ctx, agentId: `tau2-${domain}` } : ctx;
  sims.forEach((sim, i) => {
    if (!isRecord(sim) || !Array.isArray(sim['messages'])) {
      rejected.push({ file: ctx.file, reason: `simulation ${i}: no messages array` });
      return;
    }
    const nativeId = str(sim['id']) ?? `${baseName(ctx.file)}-task-${String(sim['task_id'] ?? i)}-trial-${String(sim['trial'] ?? i)}`;
    const b = newSession(agentCtx, 'tau2', nativeId);
    const { task } = recordChatSteps(b, tau2Steps(sim['messages']));
    const rewardInfo = isRecord(sim['reward_info']) ? sim['reward_info'] : {};
    const termination = str(sim['termination_reason']);
    const scored = rewardOutcome(rewardInfo['reward']);
    const reward = scored.reward;
    const outcome = scored.outcome === 'unknown' && termination && FAILED_TERMINATIONS.has(termination) ? 'failure' : scored.outcome;
    sessions.push(b.build(
      { task, startedAt: sim['start_time'], metadata: { taskId: sim['task_id'] ?? null, trial: sim['trial'] ?? null } },
      { outcome, reward, reason: termination ? `termination: ${termination}` : undefined, endedAt: sim['end_time'] },
    ));
  });
  return { sessions, rejected };
}

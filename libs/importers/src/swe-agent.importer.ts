import { ImportError } from './import.error';
import { newSession, type ImportContext } from './import.context';
import type { FormatImport } from './import.types';
import { baseName, isRecord, str, textOf } from './import.util';

/** Observation text that means the command failed. Anchored so file listings of code don't match. */
const ERROR_PATTERNS = [
  /Traceback \(most recent call last\)/,
  /command not found/,
  /No such file or directory/,
  /Your proposed edit has introduced new syntax error/,
  /^\s*(?:-\s*)?(?:E\d+\s+)?[A-Za-z_.]*(?:Error|Exception):/m,
];

export const isErrorObservation = (text: string): boolean => ERROR_PATTERNS.some((p) => p.test(text));

/**
 * SWE-agent `.traj` files: each trajectory step {thought, action, observation} becomes an
 * assistant message (the thought), a tool call named by the action's first word (`edit`,
 * `python`, `find_file`, `submit`, ...) and its result (error when the observation shows a
 * traceback, "command not found", "No such file", "...Error:" or a rejected edit).
 * The task is the first non-demonstration user message of `history` (the issue text).
 * Outcome: 'success' when `info.exit_status` starts with "submitted" and a submission (patch)
 * exists — it means "a patch was submitted", not that it passes the tests; any other exit
 * status is 'failure'; no exit status 'unknown'.
 */
export function importSweAgent(ctx: ImportContext, value: unknown): FormatImport {
  if (!isRecord(value) || !Array.isArray(value['trajectory'])) {
    throw new ImportError(ctx.file, 'not a SWE-agent trajectory: no trajectory array');
  }
  const b = newSession(ctx, 'swe-agent', baseName(ctx.file));
  const history = Array.isArray(value['history']) ? value['history'].filter(isRecord) : [];
  const firstUser = history.find((h) => h['role'] === 'user' && h['is_demo'] !== true);
  const prompt = firstUser ? textOf(firstUser['content']).trim() : '';
  if (prompt) b.userMessage(prompt);

  value['trajectory'].forEach((step: unknown, i) => {
    if (!isRecord(step)) return;
    const thought = (str(step['thought']) ?? '').trim();
    if (thought) b.assistantMessage(thought);
    const action = (str(step['action']) ?? '').trim();
    if (!action) return;
    const toolName = action.split(/\s+/)[0];
    const id = `step-${i}`;
    const observation = str(step['observation']) ?? '';
    b.toolCall(id, toolName, { command: action });
    b.toolResult(id, toolName, observation, isErrorObservation(observation));
  });

  const info = isRecord(value['info']) ? value['info'] : {};
  const exitStatus = str(info['exit_status']);
  const submitted = !!exitStatus?.startsWith('submitted') && !!str(info['submission'])?.trim();
  const outcome = exitStatus === undefined ? 'unknown' : submitted ? 'success' : 'failure';
  const issue = /ISSUE:\s*([\s\S]*?)\s*(?:INSTRUCTIONS:|$)/.exec(prompt)?.[1];
  const env = str(value['environment']);
  return {
    sessions: [b.build(
      { task: issue || prompt || undefined, metadata: env ? { environment: env } : undefined },
      { outcome, reason: exitStatus ? `exit_status: ${exitStatus}${submitted ? '' : info['submission'] ? '' : ' (no submission)'}` : undefined },
    )],
    rejected: [],
  };
}

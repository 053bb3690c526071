import { SessionOutcome } from '@reverie/contracts';
import { parseArguments } from './chat-steps';
import { ImportError } from './import.error';
import { newSession, type ImportContext } from './import.context';
import type { FormatImport, ImportRejection, KnownOutcome } from './import.types';
import { baseName, isRecord, str, textOf, toIso, tryParseJson, type Json } from './import.util';

/** mini-swe-agent's own action regex (v1 text mode): the one ```bash block of a response. */
const BASH_BLOCK = /```bash\s*\n([\s\S]*?)\n```/g;
const RETURNCODE = /^\s*<returncode>(-?\d+)<\/returncode>\s*/;
const OUTPUT = /^<output>\n?([\s\S]*?)\n?<\/output>\s*$/;
const LONG_OUTPUT = /^<warning>[\s\S]*?<\/warning>\s*<output_head>\n?([\s\S]*?)\n?<\/output_head>\s*<elided_chars>\s*(\d+)[^<]*<\/elided_chars>\s*<output_tail>\n?([\s\S]*?)\n?<\/output_tail>\s*$/;
const TIMEOUT = /^\s*The last command <command>[\s\S]*?<\/command> timed out/;
const PR_DESCRIPTION = /<pr_description>\s*(?:Consider the following PR description:\s*)?([\s\S]*?)\s*<\/pr_description>/;
/** Exit statuses that name an exception or a limit: the run stopped without a submission. */
const ERROR_EXIT = /error|exception|limitsexceeded|timeout/i;
const HARNESS = { kind: 'system', id: 'mini-swe-agent' } as const;

type Observation = { output: string; isError: boolean } | { malformed: string };

/**
 * mini-swe-agent `.traj.json` ({info, messages, instance_id, trajectory_format}).
 *
 * - The system prompt is not recorded; the first user message (the instance prompt) is a user
 *   message and the session's task is its `<pr_description>`.
 * - An assistant message with exactly one ```bash block is the thought (an assistant message,
 *   the text around the block) plus a ToolCallRecorded 'bash' {command}; the next user message
 *   is its ToolResultRecorded: `<returncode>N</returncode><output>…` (error when N ≠ 0; the long
 *   form keeps head and tail), the timeout notice (error), or anything else such as the
 *   submitted diff (not an error). Tool-call models (`tool_calls` + `tool` messages) map alike.
 * - An assistant message with no or several bash blocks executes nothing: it is recorded whole,
 *   and the harness's format-error reply is a user message with actor kind 'system'.
 * - Timestamps from `extra.response.created`, kept in order; the model from the response or
 *   `info.config.model.model_name`.
 * - Outcome: `outcomes[instance_id]` when the caller passes the instance's evaluation (see
 *   `readSweBenchReport`); otherwise 'failure' only when `info.exit_status` clearly names an
 *   error or a limit, else 'unknown' ("Submitted" means a patch was produced, not that it works).
 */
export function importMiniSweAgent(ctx: ImportContext, value: unknown, outcomes?: Readonly<Record<string, KnownOutcome>>): FormatImport {
  if (!isRecord(value) || !Array.isArray(value['messages'])) {
    throw new ImportError(ctx.file, 'not a mini-swe-agent trajectory: no messages array');
  }
  const info = isRecord(value['info']) ? value['info'] : {};
  const instanceId = str(value['instance_id']) || baseName(ctx.file);
  const config = isRecord(info['config']) ? info['config'] : {};
  const defaultModel = isRecord(config['model']) ? str(config['model']['model_name']) : undefined;
  const b = newSession(ctx, 'mini-swe-agent', instanceId);
  const rejected: ImportRejection[] = [];
  const startedAt = value['messages'].map(createdAt).find((t) => t !== undefined);
  const clock = monotonicClock(startedAt);
  let task: string | undefined;
  let prompted = false;
  /** Calls of the last assistant message still waiting for their observation. */
  let pending: { id: string; name: string }[] = [];
  let formatError = false;

  value['messages'].forEach((m: unknown, i) => {
    if (!isRecord(m)) {
      rejected.push({ file: ctx.file, reason: `message ${i}: not an object` });
      return;
    }
    const role = str(m['role']);
    const text = textOf(m['content']);
    if (role === 'assistant') {
      const ts = clock(createdAt(m));
      const model = str(responseOf(m)['model']) ?? defaultModel;
      pending = [];
      const toolCalls = Array.isArray(m['tool_calls']) ? m['tool_calls'].filter(isRecord) : [];
      if (toolCalls.length) {
        if (text.trim()) b.assistantMessage(text.trim(), ts, model);
        toolCalls.forEach((c, j) => {
          const fn = isRecord(c['function']) ? c['function'] : {};
          const call = { id: str(c['id']) || `call-${i}-${j}`, name: str(fn['name']) || 'bash' };
          b.toolCall(call.id, call.name, parseArguments(fn['arguments']), clock());
          pending.push(call);
        });
        formatError = false;
        return;
      }
      const actions = [...text.matchAll(BASH_BLOCK)];
      formatError = actions.length !== 1;
      if (formatError) {
        if (text.trim()) b.assistantMessage(text.trim(), ts, model);
        return;
      }
      const thought = text.replace(actions[0][0], '').trim();
      if (thought) b.assistantMessage(thought, ts, model);
      const call = { id: `call-${i}`, name: 'bash' };
      b.toolCall(call.id, call.name, { command: actions[0][1] }, thought ? clock() : ts);
      pending = [call];
      return;
    }
    if (role === 'tool') {
      const id = str(m['tool_call_id']);
      const call = pending.find((c) => c.id === id) ?? pending[0];
      pending = pending.filter((c) => c !== call);
      if (call) recordObservation(call, text, i);
      return;
    }
    if (role !== 'user') return;
    if (!prompted) {
      prompted = true;
      task = PR_DESCRIPTION.exec(text)?.[1] || text.trim() || undefined;
      if (text.trim()) b.userMessage(text.trim(), clock());
      return;
    }
    const call = pending.shift();
    if (call) recordObservation(call, text, i);
    else if (text.trim()) b.userMessage(text.trim(), clock(), formatError ? HARNESS : undefined);
    formatError = false;
  });

  function recordObservation(call: { id: string; name: string }, text: string, i: number): void {
    const obs = parseObservation(text);
    if ('malformed' in obs) rejected.push({ file: ctx.file, reason: `message ${i}: malformed observation of ${call.id}: ${obs.malformed}` });
    else b.toolResult(call.id, call.name, obs.output, obs.isError, clock());
  }

  const exitStatus = str(info['exit_status']);
  const known = outcomes && Object.hasOwn(outcomes, instanceId) ? outcomes[instanceId] : undefined;
  if (known && !SessionOutcome.safeParse(known.outcome).success) {
    throw new ImportError(ctx.file, `outcomes["${instanceId}"].outcome must be one of ${SessionOutcome.options.join(', ')}`);
  }
  const failed = !!exitStatus && exitStatus !== 'Submitted' && ERROR_EXIT.test(exitStatus);
  const metadata: Json = { instanceId };
  if (exitStatus) metadata['exitStatus'] = exitStatus;
  if (defaultModel) metadata['model'] = defaultModel;
  if (str(info['mini_version'])) metadata['miniVersion'] = info['mini_version'];
  return {
    sessions: [b.build(
      { task, metadata, startedAt },
      {
        outcome: known?.outcome ?? (failed ? 'failure' : 'unknown'),
        reason: known?.reason ?? (exitStatus ? `exit_status: ${exitStatus}${failed ? '' : ' (no evaluation report)'}` : undefined),
      },
    )],
    rejected,
  };
}

/** One observation: `<returncode>` + `<output>` (or the long head/tail form), the timeout notice, or plain text. */
export function parseObservation(text: string): Observation {
  if (TIMEOUT.test(text)) return { output: /<output>\n?([\s\S]*?)\n?<\/output>/.exec(text)?.[1] ?? text, isError: true };
  const rc = RETURNCODE.exec(text);
  if (!rc) {
    if (/^\s*<returncode>/.test(text)) return { malformed: 'the <returncode> tag is not a closed integer' };
    return { output: text, isError: false };
  }
  const rest = text.slice(rc[0].length);
  const isError = Number(rc[1]) !== 0;
  const plain = OUTPUT.exec(rest);
  if (plain) return { output: plain[1], isError };
  const long = LONG_OUTPUT.exec(rest);
  if (long) return { output: `${long[1]}\n… ${long[2]} characters elided …\n${long[3]}`, isError };
  return { malformed: `<returncode>${rc[1]}</returncode> is not followed by a closed <output> (or <output_head>/<output_tail>) block` };
}

const responseOf = (m: unknown): Json => (isRecord(m) && isRecord(m['extra']) && isRecord(m['extra']['response']) ? m['extra']['response'] : {});
const createdAt = (m: unknown): string | undefined => toIso(responseOf(m)['created']);

/** Source timestamps made non-decreasing: a step without one (or an earlier one) comes 1 ms after the last. */
function monotonicClock(start?: string): (source?: unknown) => string | undefined {
  let last = start ? Date.parse(start) - 1 : undefined;
  return (source) => {
    const iso = toIso(source);
    const ms = iso ? Date.parse(iso) : undefined;
    if (last !== undefined) last = Math.max(ms ?? last + 1, last + 1);
    else if (ms !== undefined) last = ms;
    else return undefined;
    return new Date(last).toISOString();
  };
}

export interface SweBenchReport {
  /** 'instance': one instance's report.json; 'run': a summary over a whole run (weaker: an instance report wins). */
  scope: 'instance' | 'run';
  outcomes: Record<string, KnownOutcome>;
}

const resolvedOutcome = (resolved: boolean, detail?: string): KnownOutcome => ({
  outcome: resolved ? 'success' : 'failure',
  reason: `SWE-bench evaluation: ${resolved ? 'resolved' : 'not resolved'}${detail ? ` (${detail})` : ''}`,
});

const isInstanceReport = (v: unknown): boolean =>
  isRecord(v) && typeof v['resolved'] === 'boolean' && ('tests_status' in v || 'patch_exists' in v || 'patch_successfully_applied' in v);

const reportDetail = (r: Json): string | undefined => (r['patch_successfully_applied'] === false ? 'the patch did not apply' : undefined);

/**
 * The resolved flags of a SWE-bench evaluation file, or undefined when the content is not one:
 * an instance's `report.json` (`{<instance_id>: {resolved, tests_status…}}`, or that object
 * alone with the id taken from the file name `<instance_id>.report.json` or its folder
 * `<instance_id>/report.json`), a run summary `{instances: [{instance_id, resolved}]}`, or the
 * harness's run report `{resolved_ids, unresolved_ids, empty_patch_ids}` (error_ids, whose
 * evaluation itself failed, are left out).
 */
export function readSweBenchReport(fileName: string, content: string): SweBenchReport | undefined {
  const parsed = tryParseJson(content);
  if (!parsed.ok || !isRecord(parsed.value)) return undefined;
  const v = parsed.value;
  if (isInstanceReport(v)) {
    const parts = fileName.split(/[\\/]/);
    const last = parts[parts.length - 1];
    const id = /^(.+)\.report\.json$/i.exec(last)?.[1] ?? (/^report\.json$/i.test(last) ? parts[parts.length - 2] : undefined);
    return id ? { scope: 'instance', outcomes: { [id]: resolvedOutcome(v['resolved'] as boolean, reportDetail(v)) } } : undefined;
  }
  const entries = Object.entries(v);
  if (entries.length && entries.every(([, r]) => isInstanceReport(r))) {
    return { scope: 'instance', outcomes: Object.fromEntries(entries.map(([id, r]) => [id, resolvedOutcome((r as Json)['resolved'] as boolean, reportDetail(r as Json))])) };
  }
  const outcomes: Record<string, KnownOutcome> = {};
  if (Array.isArray(v['instances'])) {
    for (const r of v['instances']) {
      if (isRecord(r) && typeof r['instance_id'] === 'string' && typeof r['resolved'] === 'boolean') outcomes[r['instance_id']] = resolvedOutcome(r['resolved']);
    }
  }
  const ids = (key: string) => (Array.isArray(v[key]) ? v[key].filter((x): x is string => typeof x === 'string') : []);
  for (const id of ids('unresolved_ids')) outcomes[id] = resolvedOutcome(false);
  for (const id of ids('empty_patch_ids')) outcomes[id] = resolvedOutcome(false, 'empty patch');
  for (const id of ids('resolved_ids')) outcomes[id] = resolvedOutcome(true);
  return Object.keys(outcomes).length ? { scope: 'run', outcomes } : undefined;
}

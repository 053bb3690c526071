import type { SessionEvent } from '@reverie/contracts';
import { correctiveStatements } from './corrective.classifier';
import { diagnosticMessages, failureLine, remedyOf, salientLines } from '../text/salient-lines';
import { errorSignature, excerptOf } from '../text/error-signature.normalizer';
import { inputChange, keysReadFrom } from './input-change';
import { actionVerbs, authorizes, isStateChanging } from './state-change.classifier';
import { commandOf, isShellTool, replacesCommand, stepKey } from './step-key';
import { quoteLine, shortenPaths } from '../text/error-quote';
import type { RetrySignal, SessionSignals } from './session-signals.model';

/** How far ahead (in tool calls) a call of the same tool still counts as a retry of a failed one. */
const RETRY_WINDOW = 5;
const MAX_TASK = 500;
/** Claude Code reports a refused tool call as an error result with this text: a rejection, not an error. */
const REJECTION_OUTPUT = /^the user doesn'?t want to proceed with this tool use|tool use was rejected/i;
const INTERRUPT_MESSAGE = /^\[request interrupted by user/i;
const INJECTED_MESSAGE = /^\s*(?:[\w-]+ hook feedback:|<system-reminder>|<command-|<local-command|caveat:|<user-prompt-submit-hook>|this session is being continued from a previous conversation|analysis:\s*\n|summary:\s*\n)/i;
/**
 * Outputs that report work to do rather than a mistake: a merge, rebase or cherry-pick stopping
 * on conflicts is how those commands hand conflicts over. Not mined as errors.
 */
const EXPECTED_STOP = /^(?:CONFLICT \(|Auto-merging .*\n(?:.*\n)*?CONFLICT \(|Automatic merge failed|error: could not apply|hint: (?:Resolve all conflicts|After resolving the conflicts))/im;
/** Errors that only say another call failed or the call was cancelled: consequences, not mistakes. */
const CONSEQUENCE_OUTPUT = /^(?:<tool_use_error>\s*)?(?:sibling tool call errored|cancelled: parallel tool call|(?:tool (?:use|call) )?(?:was )?(?:cancelled|canceled|aborted)\b|interrupted by user|\[request interrupted)/i;

/**
 * The command line each shell step in between actually ran (its first run, clipped): a step key
 * keeps only the command's head (`curl`), and a lesson that prescribes the step must show what it
 * ran (`curl -s https://… | sh`), to the reviewer and to the guardrails.
 */
function commandsOf(calls: readonly Call[]): { betweenCommands?: Record<string, string> } {
  const out: Record<string, string> = {};
  for (const x of calls) {
    const cmd = isShellTool(x.tool) ? commandOf(x.input) : undefined;
    if (cmd && !(x.step in out)) out[x.step] = cmd.trim().slice(0, MAX_COMMAND);
  }
  return Object.keys(out).length ? { betweenCommands: out } : {};
}
const MAX_COMMAND = 300;

interface Call {
  index: number;
  tool: string;
  step: string;
  input: unknown;
  eventId: string;
  toolCallId: string;
  at: string;
  result?: { isError: boolean; output: string; eventId: string; at: string };
}

/**
 * One pass over the events of ONE session (any order: sorted by `data.seq`) into its signals.
 * Text from tool output is only ever kept as error evidence; corrections come only from user
 * messages and user feedback.
 */
export function extractSignals(events: readonly SessionEvent[]): SessionSignals {
  if (events.length === 0) throw new Error('extractSignals: a session needs at least one event');
  const { tenantId, streamId: sessionId } = events[0];
  for (const e of events) {
    if (e.tenantId !== tenantId || e.streamId !== sessionId) {
      throw new Error(`extractSignals: events of one session expected, got ${e.tenantId}/${e.streamId} and ${tenantId}/${sessionId} (event ${e.id})`);
    }
  }
  const sorted = [...events].sort((a, b) => a.data.seq - b.data.seq || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  const s: SessionSignals = {
    tenantId, sessionId, agentId: 'unknown', startedAt: sorted[0].occurredAt, endedAt: sorted[sorted.length - 1].occurredAt,
    outcome: 'unknown', taskEventId: sorted[0].id, toolSequence: [], toolEventIds: [], errors: [], retries: [], rejections: [], corrections: [],
    feedback: [], unconfirmedStateChanges: [], eventCount: sorted.length,
  };
  const calls: Call[] = [];
  const byCallId = new Map<string, Call>();
  const rejectedCallIds = new Set<string>();
  let firstUserText: { text: string; eventId: string } | undefined;
  /** A subagent sidechain: its "user" messages are the parent agent's prompts, neither a task nor corrections. */
  let sidechain = false;
  let sessionUser: string | undefined;
  let lastUser: string | undefined;
  /** User messages since the last state-changing call, to decide whether the next one was authorized. */
  let userTextsSinceChange: string[] = [];
  let agentActed = false;
  /** Indexes of the calls the user objected to: rejected, interrupted, or corrected right after. */
  const objected = new Set<number>();
  /** Event positions of the agent's last action and of the last user complaint (correction, rejection, interruption, thumbs down). */
  let lastAgentAt = -1;
  let lastComplaintAt = -1;
  let position = 0;

  for (const e of sorted) {
    position++;
    const complaintsBefore = s.corrections.length + s.rejections.length;
    switch (e.type) {
      case 'SessionStarted':
        s.agentId = e.data.agentId;
        sessionUser = e.data.userId;
        if (e.data.parentSessionId) { s.rootId = e.data.parentSessionId; sidechain = true; }
        // A continued or resumed conversation (the importer names the session it continues): same root, but its own user turns.
        else if (typeof e.data.metadata?.continuesSessionId === 'string') s.rootId = e.data.metadata.continuesSessionId;
        s.startedAt = e.data.startedAt;
        if (e.data.task && !sidechain && !INJECTED_MESSAGE.test(e.data.task)) { s.task = e.data.task.slice(0, MAX_TASK); s.taskEventId = e.id; }
        break;
      case 'UserMessageRecorded': {
        const user = e.data.userId ?? sessionUser ?? (e.actor.kind === 'user' ? e.actor.id : undefined);
        lastUser = user ?? lastUser;
        if (INTERRUPT_MESSAGE.test(e.data.text.trim())) {
          const last = calls[calls.length - 1];
          if (last) { s.rejections.push({ tool: last.tool, step: last.step, kind: 'interrupted', eventId: e.id, userId: user, at: e.occurredAt }); objected.add(last.index); }
          break;
        }
        if (sidechain || e.actor.kind === 'system' || INJECTED_MESSAGE.test(e.data.text)) break;
        if (!firstUserText) firstUserText = { text: e.data.text, eventId: e.id };
        userTextsSinceChange.push(e.data.text);
        // A correction reacts to what the agent did: the opening prompt (a task, often a harness
        // template) is not one.
        if (!agentActed) break;
        for (const c of correctiveStatements(e.data.text)) {
          s.corrections.push({ ...c, eventId: e.id, userId: user, at: e.occurredAt });
          if (calls.length) objected.add(calls.length - 1);
        }
        break;
      }
      case 'ToolCallRecorded': {
        agentActed = true;
        lastAgentAt = position;
        const step = stepKey(e.data.toolName, e.data.input);
        const call: Call = { index: calls.length, tool: e.data.toolName, step, input: e.data.input, eventId: e.id, toolCallId: e.data.toolCallId, at: e.occurredAt };
        calls.push(call);
        byCallId.set(call.toolCallId, call);
        s.toolSequence.push(step);
        s.toolEventIds.push(e.id);
        (s.toolCallIds ??= []).push(e.data.toolCallId);
        (s.toolTargets ??= []).push(targetOf(call.input));
        if (e.actor.kind === 'user') (s.userCalls ??= []).push(call.index);
        if (isStateChanging(call.tool, call.input)) {
          const verbs = actionVerbs(call.tool, call.input);
          if (!userTextsSinceChange.some((t) => authorizes(t, verbs))) {
            s.unconfirmedStateChanges.push({ tool: call.tool, step, eventId: e.id, at: e.occurredAt });
          }
          userTextsSinceChange = [];
        }
        break;
      }
      case 'ToolResultRecorded': {
        const call = byCallId.get(e.data.toolCallId);
        if (!call) break;
        call.result = { isError: e.data.isError, output: e.data.output, eventId: e.id, at: e.occurredAt };
        if (e.data.isError && REJECTION_OUTPUT.test(e.data.output.trim())) {
          call.result.isError = false;
          if (!rejectedCallIds.has(call.toolCallId)) {
            rejectedCallIds.add(call.toolCallId);
            s.rejections.push({ tool: call.tool, step: call.step, kind: 'rejected_tool_call', eventId: e.id, userId: lastUser ?? sessionUser, at: e.occurredAt });
            objected.add(call.index);
          }
        }
        break;
      }
      case 'FeedbackRecorded': {
        const user = e.data.userId ?? sessionUser;
        s.feedback.push({ kind: e.data.kind, eventId: e.id, toolCallId: e.data.toolCallId, text: e.data.text, userId: user });
        if ((e.data.kind === 'rejected_tool_call' || e.data.kind === 'interrupted') && !(e.data.toolCallId && rejectedCallIds.has(e.data.toolCallId))) {
          const call = e.data.toolCallId ? byCallId.get(e.data.toolCallId) : calls[calls.length - 1];
          if (call) {
            if (e.data.toolCallId) rejectedCallIds.add(e.data.toolCallId);
            s.rejections.push({ tool: call.tool, step: call.step, kind: e.data.kind, eventId: e.id, userId: user, at: e.occurredAt });
            objected.add(call.index);
          }
        }
        if (e.data.text && (e.actor.kind === 'user' || e.data.kind === 'comment' || e.data.kind === 'thumbs_down')) {
          for (const c of correctiveStatements(e.data.text)) {
            s.corrections.push({ ...c, eventId: e.id, userId: user, at: e.occurredAt });
          }
        }
        break;
      }
      case 'SessionEnded':
        s.outcome = e.data.outcome;
        break;
      case 'AssistantMessageRecorded':
        agentActed = true;
        lastAgentAt = position;
        break;
      case 'CompactionRecorded':
        break;
      default: {
        const never: never = e;
        throw new Error(`extractSignals: unknown event type ${(never as { type: string }).type}`);
      }
    }
    if (s.corrections.length + s.rejections.length > complaintsBefore || (e.type === 'FeedbackRecorded' && e.data.kind === 'thumbs_down')) lastComplaintAt = position;
  }

  s.userId = sessionUser ?? s.corrections[0]?.userId ?? lastUser;
  const ingestedBy = [...new Set(sorted.flatMap((e) => e.ingestedBy ?? []))].sort();
  if (ingestedBy.length) s.ingestedBy = ingestedBy;
  if (!s.task && firstUserText) { s.task = firstUserText.text.slice(0, MAX_TASK); s.taskEventId = firstUserText.eventId; }

  s.failedCalls = [];
  s.consequences = [];
  let unresolved = 0;
  let lastCause: string | undefined;
  for (let i = 0; i < calls.length; i++) {
    const c = calls[i];
    if (!c.result?.isError) continue;
    s.failedCalls.push(i);
    if (CONSEQUENCE_OUTPUT.test(c.result.output.trim())) {
      s.consequences.push({ tool: c.tool, eventId: c.result.eventId, ...(lastCause ? { causeEventId: lastCause } : {}) });
      continue;
    }
    if (EXPECTED_STOP.test(c.result.output)) continue;
    lastCause = c.result.eventId;
    // The one line that stands for this failure, found once: signature, quote, excerpt and salient
    // lines all start from it (each would find the same line again from the whole output).
    const line = failureLine(c.result.output);
    const signature = errorSignature(c.tool, line);
    const remedy = remedyOf(c.result.output);
    const next = calls[i + 1] && calls[i + 1].step !== c.step ? { next: { step: calls[i + 1].step, ok: calls[i + 1].result?.isError === false } } : {};
    const salient = salientLines(c.result.output, 3, line).map((l) => excerptOf(l, 300));
    // A compiler or linter output is its diagnostics, without their `file:line:col:` prefix; several kinds are several failures.
    const diagnostics = diagnosticMessages(c.result.output);
    const messages = diagnostics.length > 0 ? diagnostics : [undefined];
    for (const message of messages) {
      s.errors.push({
        signature: message === undefined ? signature : errorSignature(c.tool, message), tool: c.tool, step: c.step, eventId: c.result.eventId,
        excerpt: excerptOf(message ?? line), quote: quoteLine(message ?? line), salient,
        ...(remedy ? { remedy } : {}), ...next, at: c.result.at,
      });
    }
    const retry = retryOf(calls, i);
    if (retry) s.retries.push({ ...retry, signature });
    const resolved = (retry?.recovered ?? false) || calls.slice(i + 1).some((x) => x.step === c.step && x.result?.isError === false);
    if (!resolved) unresolved++;
  }
  s.objectedCalls = [...objected].sort((a, b) => a - b);
  s.cleanCompletion = calls.length > 0 && unresolved === 0 && lastComplaintAt < lastAgentAt;
  return s;
}

const commandText = (input: unknown) => shortenPaths((commandOf(input) ?? '').replace(/\s+/g, ' ').trim()).slice(0, 120);

/**
 * The retry of failed call `i`: the next call of the same tool when it is a replacing shell
 * command, else the next call of the same step within the window.
 */
function retryOf(calls: readonly Call[], i: number): Omit<RetrySignal, 'signature'> | undefined {
  const c = calls[i];
  const end = Math.min(calls.length, i + 1 + RETRY_WINDOW);
  const failedResult = c.result;
  if (!failedResult) return undefined;
  const sameTool = calls.slice(i + 1, end).findIndex((x) => x.tool === c.tool);
  if (sameTool >= 0 && isShellTool(c.tool)) {
    const j = i + 1 + sameTool;
    const next = calls[j];
    const from = commandOf(c.input);
    const to = commandOf(next.input);
    if (next.step !== c.step && from !== undefined && to !== undefined && replacesCommand(from, to)) {
      return {
        tool: c.tool, step: c.step, errorEventId: failedResult.eventId, retryEventId: next.eventId,
        recovered: next.result?.isError === false, change: inputChange(c.input, next.input),
        between: [...new Set(calls.slice(i + 1, j).map((x) => x.step))].sort(),
        replacement: { step: next.step, from: commandText(c.input), to: commandText(next.input) },
      };
    }
  }
  for (let j = i + 1; j < end; j++) {
    if (calls[j].step !== c.step) continue;
    const betweenCalls = calls.slice(i + 1, j);
    const change = inputChange(c.input, calls[j].input);
    change.keysFromBetween = keysReadFrom(c.input, calls[j].input, betweenCalls.flatMap((x) => (x.result && !x.result.isError ? [x.result.output] : [])));
    return {
      tool: c.tool, step: c.step, errorEventId: failedResult.eventId, retryEventId: calls[j].eventId,
      recovered: calls[j].result?.isError === false, change, between: [...new Set(betweenCalls.map((x) => x.step))].sort(),
      identical: JSON.stringify(c.input) === JSON.stringify(calls[j].input),
      ...commandsOf(betweenCalls),
    };
  }
  return undefined;
}

/** Base name of the file a (non-shell) tool call worked on, '' when it names none. */
function targetOf(input: unknown): string {
  if (!input || typeof input !== 'object' || Array.isArray(input)) return '';
  const o = input as Record<string, unknown>;
  for (const k of ['file_path', 'notebook_path', 'filePath', 'path']) {
    const v = o[k];
    if (typeof v === 'string' && v.length > 0) {
      const base = v.split(/[\\/]/).filter(Boolean).pop() ?? '';
      return /^[\w.@+-]{1,80}$/.test(base) ? base : '';
    }
  }
  return '';
}

import { commandOf, isShellTool } from './step-key';

/** Tool names whose calls change state outside the conversation (files, bookings, deployments...). */
const STATE_TOOL =
  /(^|[_\-.\s]|(?<=[a-z])(?=[A-Z]))(write|edit|multiedit|notebookedit|create|update|delete|remove|cancel|book|send|transfer|deploy|publish|push|rotate|apply|drop|modify|refund|exchange|return|pay|purchase|submit|commit|merge|rollback)/i;
const STATE_COMMAND =
  /\b(git\s+(push|commit|reset|rebase|merge|tag)|rm\s|rmdir\b|mv\s|npm\s+publish|yarn\s+publish|pnpm\s+publish|deploy\b|kubectl\s+(apply|delete|rollout)|terraform\s+(apply|destroy)|docker\s+push|helm\s+(install|upgrade|uninstall)|drop\s+(table|database))/i;
const READ_ONLY_TOOL = /^(get|list|search|find|read|view|show|fetch|lookup|check|calculate|think|grep|glob|ls)/i;
/** Conversation-internal bookkeeping (Claude Code's TodoWrite): changes nothing outside the session. */
const INTERNAL_TOOL = /^(todo|task_?list|plan|memory_note)/i;

export function isStateChanging(toolName: string, input: unknown): boolean {
  const cmd = commandOf(input);
  if (cmd !== undefined && isShellTool(toolName)) {
    return STATE_COMMAND.test(cmd);
  }
  if (READ_ONLY_TOOL.test(toolName) || INTERNAL_TOOL.test(toolName)) return false;
  return STATE_TOOL.test(toolName);
}

const AFFIRMATIVE =
  /^\W*(yes|yeah|yep|yup|y|sure|ok|okay|confirm(ed)?|correct|go ahead|proceed|do it|please do|sounds good|approved?|lgtm|that'?s (right|correct|fine)|absolutely|definitely)\b/i;
const AUTHORIZING = /\b(go ahead|proceed|confirm|i approve|you can|please (do|go|proceed))\b/i;

/**
 * A user message authorizes the next state-changing calls when it affirms ("yes, go ahead") or
 * names the action itself ("please push", "cancel reservation X").
 */
export function authorizes(userText: string, verbs: readonly string[] = []): boolean {
  if (AFFIRMATIVE.test(userText) || AUTHORIZING.test(userText)) return true;
  const lower = userText.toLowerCase();
  return verbs.some((v) => v.length >= 3 && lower.includes(v));
}

/** Action verbs of a tool name or command, used to see whether the user asked for that action. */
export function actionVerbs(toolName: string, input: unknown): string[] {
  const cmd = commandOf(input) ?? '';
  const words = `${toolName.replace(/([a-z])([A-Z])/g, '$1 $2')} ${cmd}`.toLowerCase().split(/[^a-z]+/);
  return words.filter((w) => STATE_TOOL.test(w) || /^(push|commit|rm|publish|deploy|apply|delete)$/.test(w));
}

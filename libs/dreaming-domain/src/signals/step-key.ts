/**
 * A step is a tool call named precisely enough to be a workflow step or a fix: shell tools are
 * named with their command head (`Bash(npm run build)`), other tools by name.
 */
const SHELL_TOOLS = /^(bash|shell|sh|terminal|run_command|execute_command|exec|run_shell|command|run_terminal_cmd|run_terminal_command)$/i;
const THREE_WORD = new Set(['run', 'exec', '-m', 'x', 'dlx']);

export function commandOf(input: unknown): string | undefined {
  if (typeof input === 'string') return input;
  if (input && typeof input === 'object') {
    const o = input as Record<string, unknown>;
    for (const k of ['command', 'cmd', 'script']) if (typeof o[k] === 'string') return o[k] as string;
  }
  return undefined;
}

export function isShellTool(toolName: string): boolean {
  return SHELL_TOOLS.test(toolName);
}

/** The segment of a command line that does the work (`cd repo && npm test` → `npm test`). */
function mainSegment(command: string): string {
  const segments = command.split(/&&|\|\||;|\n|\|/).map((s) => s.trim()).filter(Boolean);
  return segments.find((s) => !/^(cd|export|set|source|\.)\b/.test(s)) ?? segments[0] ?? '';
}

/** `cd repo && npm run build -- --prod` → `npm run build` */
export function commandHead(command: string): string {
  const seg = mainSegment(command);
  const words: string[] = [];
  for (const w of seg.split(/\s+/)) {
    if (/^[A-Z_]+=/.test(w) && words.length === 0) continue; // env assignment
    if (w.startsWith('-') && !THREE_WORD.has(w)) break;
    if (/[/\\'"`$<>*]|^\d/.test(w) || w.length > 40) break;
    words.push(w);
    const limit = words.length >= 2 && THREE_WORD.has(words[1]) ? 3 : 2;
    if (words.length >= limit) break;
  }
  return words.join(' ');
}

export function stepKey(toolName: string, input: unknown): string {
  const cmd = SHELL_TOOLS.test(toolName) ? commandOf(input) : undefined;
  if (cmd === undefined) return toolName;
  const head = commandHead(cmd);
  return head ? `${toolName}(${head})` : toolName;
}

/** How a step reads in a lesson: `npm run build` for shell steps, the tool name otherwise. */
export function describeStep(step: string): string {
  const m = /^[^(]+\((.+)\)$/.exec(step);
  return m ? m[1] : step;
}

export function toolOfStep(step: string): string {
  const i = step.indexOf('(');
  return i < 0 ? step : step.slice(0, i);
}

/**
 * `next` replaces the failing `failed` command: another command (a different head) that keeps
 * all of its non-flag arguments (`pytest tests/` → `python -m pytest tests/`, `yarn add x` →
 * `pnpm add x`) or that wraps its head (`pytest` → `python -m pytest`, `tsc` → `npx tsc`).
 */
export function replacesCommand(failed: string, next: string): boolean {
  const head = commandHead(failed);
  const nextHead = commandHead(next);
  if (!head || !nextHead || head === nextHead) return false;
  const a = mainSegment(failed).split(/\s+/).filter(Boolean);
  const b = mainSegment(next).split(/\s+/).filter(Boolean);
  const headWords = head.split(' ');
  const at = a.findIndex((w, i) => a.slice(i, i + headWords.length).join(' ') === head);
  const args = at < 0 ? [] : a.slice(at + headWords.length).filter((w) => !w.startsWith('-'));
  if (args.length > 0 && args.every((w) => b.includes(w))) return true;
  for (let i = 1; i + headWords.length <= b.length; i++) if (b.slice(i, i + headWords.length).join(' ') === head) return true;
  return false;
}

/**
 * Which lines of a (possibly long, multi-line) tool output say what failed and what to do.
 * Compilers, linters, test runners and hooks print pages; the line that matters is rarely the
 * first one and never a stack frame, a progress line or a wrapper such as `exit status 1`.
 */
const INFORMATIVE =
  /(error|exception|fail|denied|not found|invalid|cannot|can't|unable|refused|timed? ?out|no such|missing|forbidden|unauthori[sz]ed|conflict|fatal|unknown|not allowed|already exists|exceeded|undefined|undeclared|not defined|blocked|rejected|mismatch|expected)/i;
const NOISE_LINE = /^(exit code \d+|traceback \(most recent call last\):?|at .+:\d+:\d+\)?|at [\w.$<>]+ \(.+\)|file ".+", line \d+.*|\^+|~+|[-=*#]{3,}.*[-=*#]{3,}|[-=*#]{3,})$/i;
export const EXCEPTION_LINE = /^(?:E\s+)?[A-Z][\w.]*(?:Error|Exception|Exit|Interrupt|Failure)\b:\s*\S/;
/** Lines that only say that something failed, not what: the wrappers around the real message. */
const WRAPPER_LINE =
  /^(?:exit status \d+|fail\s*$|fail\s+\S+\s+(?:[\d.]+s|\[(?:build|setup) failed\])$|make(?:\[\d+\])?: \*\*\*.*|npm (?:err!|error) (?:a complete log|code \w+|errno|\s*$).*|error command failed with exit code \d+\.?|.*process (?:completed|exited) with (?:exit )?code \d+.*|command failed:?.*exit code \d+|\d+ (?:errors?|problems?|failures?)(?: found| generated)?\.?|found \d+ errors?.*|too many errors|error: process completed.*|errors? occurred\.?)$/i;
/** A line that states a remedy: what to run, pass or check to fix the failure. */
export const REMEDY =
  /\b(?:did you mean\b|hint:|help:|suggestion:|to fix(?: this)?[,:]|(?:run|use|try|pass|add|set|install|execute)\s+\S.{0,80}?\s+to\s+(?:fix|resolve|overwrite|update|install|continue|proceed|replace|force|allow|enable|see|apply)\b|read it first\b|set \w+ to (?:true|false)\b|use (?:--?[\w-]+|the \w+ (?:flag|option))\b|please (?:run|use|install|provide|specify|read)\b|must (?:be )?(?:read|run|called|installed) (?:first|before)\b|(?:run|call) \S+ first\b)/i;

export interface Scored {
  line: string;
  index: number;
  score: number;
}

/** `file.go:12:3: message`, `src/a.ts(4,2): error TS2304: …`: one compiler or linter diagnostic. */
const DIAGNOSTIC = /^(?:[\w.@~/\\-]+?)(?::\d+(?::\d+)?:|\(\d+,\d+\):)\s+(.+)$/;

/** A code frame line (`12 | const x = …`, `  > 12 | …`) or a line of code (`throw new Error("…");`). */
const SOURCE_LINE = /^(?:>\s*)?\d+\s*\|\s|^(?:const|let|var|throw new|return|import|export|function|if \(|await)\b.*[;{(]$/;

function scoreLine(line: string): number {
  if (NOISE_LINE.test(line)) return -Infinity;
  let score = 0;
  if (DIAGNOSTIC.test(line)) score += 3;
  if (EXCEPTION_LINE.test(line)) score += 5;
  if (INFORMATIVE.test(line)) score += 3;
  if (REMEDY.test(line)) score += 2;
  if (WRAPPER_LINE.test(line)) score -= 4;
  if (/^(?:ok|pass|passed|\?|=== (?:run|pause|cont)|--- pass|running|compiling|building|downloading|installing|warning:?)\b/i.test(line)) score -= 2;
  // A line of source code shown around the failure (`943 | var { Error } = globalThis;`): the code, not the message.
  if (SOURCE_LINE.test(line)) score -= 6;
  // A passing test whose name mentions an error ("✓ prints an error when the file is missing").
  if (/^(?:[✓✔√]|\(pass\)|pass\b|ok\s+\d)/i.test(line)) score -= 6;
  if (line.length > 400) score -= 1;
  return score;
}

function linesOf(output: string): string[] {
  // pytest marks the failing assertion or exception with a leading `E   `.
  return output.split(/\r?\n/).map((l) => l.trim().replace(/^E\s{2,}(?=\S)/, '')).filter((l) => l.length > 0);
}

/**
 * The line that says what went wrong: the highest-scoring line (an exception with a message, an
 * error naming what failed), the earliest on a tie, except in a Python traceback where the
 * exception comes last.
 */
export function informativeLine(output: string): string {
  const lines = linesOf(output);
  if (lines.length === 0) return '';
  const traceback = /traceback \(most recent call last\)/i.test(output);
  let best: Scored | undefined;
  lines.forEach((line, index) => {
    const score = scoreLine(line);
    if (score === -Infinity) return;
    if (!best || score > best.score || (traceback && score === best.score)) best = { line, index, score };
  });
  return best?.line ?? lines[0];
}

/**
 * The one line that stands for a failure, in signatures, quotes and excerpts alike: a named
 * exception with a message (in a Python traceback the last one, the cause after its wrappers;
 * elsewhere the first, as test runners and compilers report the first failure first), else the
 * informative line.
 */
export function failureLine(output: string): string {
  const exceptions = linesOf(output).filter((l) => EXCEPTION_LINE.test(l) && !SOURCE_LINE.test(l));
  const exception = /traceback \(most recent call last\)/i.test(output) ? exceptions[exceptions.length - 1] : exceptions[0];
  return exception ?? informativeLine(output);
}

/** The remedy the output itself states ("did you mean X?", "use --force to overwrite", "run X to fix"), if any. */
export function remedyOf(output: string): string | undefined {
  for (const line of linesOf(output)) {
    const m = REMEDY.exec(line);
    if (!m || SOURCE_LINE.test(line) || /\\n["'`]|["'`]\s*[,;)]\s*$/.test(line)) continue;
    // "Did you mean one of:" introduces a list; the remedy is the list, not the line.
    if (/:\s*$/.test(line)) continue;
    // The sentence that holds the remedy, not the whole line.
    const start = Math.max(line.lastIndexOf('. ', m.index) + 1, 0);
    const endDot = line.slice(m.index).search(/[.?!](?:\s|$)/);
    const sentence = line.slice(start, endDot < 0 ? undefined : m.index + endDot + 1).trim();
    if (sentence.length >= 8) return sentence.length > 200 ? `${sentence.slice(0, 199)}…` : sentence;
  }
  return undefined;
}

/** Up to `max` lines a reviewer (or the writer) needs: the failure line (`main`, when the caller has it) and any remedy lines, in output order. */
export function salientLines(output: string, max = 3, main = failureLine(output)): string[] {
  const lines = linesOf(output);
  const picked = new Set<string>([main]);
  for (const line of lines) {
    if (picked.size >= max) break;
    if (REMEDY.test(line) && !NOISE_LINE.test(line)) picked.add(line);
  }
  const order = new Map(lines.map((l, i) => [l, i] as const));
  return [...picked].filter(Boolean).sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0)).map((l) => (l.length > 300 ? `${l.slice(0, 299)}…` : l));
}

/**
 * The distinct diagnostics of a compiler, linter or type checker output, without their
 * `file:line:col:` prefix (up to `max`, in output order): each is a failure of its own kind.
 */
export function diagnosticMessages(output: string, max = 3): string[] {
  const out: string[] = [];
  for (const line of linesOf(output)) {
    const m = DIAGNOSTIC.exec(line);
    if (!m || NOISE_LINE.test(line)) continue;
    const message = m[1].trim();
    if (message.length < 4 || out.includes(message)) continue;
    out.push(message);
    if (out.length >= max) break;
  }
  return out;
}

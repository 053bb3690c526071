/**
 * Error signatures: the same failure must give the same signature whatever ids, numbers, paths,
 * hashes, quoted values, timestamps, UUIDs or hex the message carried.
 */
const MAX_SIGNATURE = 160;

export { informativeLine } from './salient-lines';
import { failureLine } from './salient-lines';

/** Order matters: wide shapes (URLs, UUIDs, timestamps) before the narrow ones (numbers). */
const REPLACEMENTS: Array<[RegExp, string]> = [
  [/\bhttps?:\/\/[^\s'"`)>\]]+/gi, '<url>'],
  [/\b[\w.+-]+@[\w-]+(\.[\w-]+)+\b/g, '<email>'],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>'],
  [/\b\d{4}-\d{2}-\d{2}([t ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(z|[+-]\d{2}:?\d{2})?)?\b/gi, '<ts>'],
  [/\b\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\b/g, '<ts>'],
  [/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`[^`\n]*`|\u201c[^\u201d\n]*\u201d|\u2018[^\u2019\n]*\u2019/g, '<str>'],
  // A quote cut off by a wrapped or truncated line (`(In 'db.getSessionBy`) is a value all the same:
  // closed quotes are gone by now, so a quote that opens a word runs to the end of the line.
  [/(?<=[\s(:=,])["'`].*$/g, '<str>'],
  [/(?<![\w])(?:[a-z]:\\|\\\\)[^\s:,;'"]+/gi, '<path>'],
  [/(?<![\w])(?:~|\.{1,2})?\/(?:[\w.@+-]+\/?)+|\b[\w.-]+\/[\w./-]+\b|\b[\w-]+\.(?:js|ts|tsx|jsx|py|rs|go|java|json|ya?ml|toml|md|txt|lock|sh|c|h|cpp|rb|php|css|html|sql|log)\b/gi, '<path>'],
  [/\b0x[0-9a-f]+\b/gi, '<hex>'],
  [/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{7,}\b/gi, '<hex>'],
  [/\b(?![A-Z]{1,4}\d{1,5}\b)(?=[\w-]*[a-z])(?=[\w-]*\d)[a-z0-9]+(?:[_-][a-z0-9]+)*\b/gi, '<id>'],
  [/[+-]?\b\d+(\.\d+)?\b/g, '<n>'],
];

/** Normalizes one message: every variable part becomes a placeholder; lower case; collapsed spaces. */
export function normalizeMessage(text: string): string {
  // A logfmt line (`level=error msg="…" key=value`) says what happened inside its msg.
  const logfmt = /\blevel=\w+\b.*?\bmsg="((?:[^"\\]|\\.)*)"/i.exec(text);
  let s = logfmt ? logfmt[1].replace(/\\"/g, '"') : text;
  for (const [re, token] of REPLACEMENTS) s = s.replace(re, token);
  s = s.toLowerCase().replace(/\s+/g, ' ').replace(/(<\w+>)(?:[\s,;]*\1)+/g, '$1').trim();
  s = s.replace(/^[\s:;,.\-!>]+|[\s:;,.]+$/g, '');
  return s.length > MAX_SIGNATURE ? s.slice(0, MAX_SIGNATURE) : s;
}

/** Tokens a signature keeps: enough to tell failures apart, few enough that a wrapped or truncated tail does not split one. */
const MAX_SIGNATURE_TOKENS = 14;

/**
 * The sentence that says what failed: "File has not been read yet. Read it first before writing
 * to it." → its first sentence; the rest (a remedy, the working directory, a hint) varies between
 * versions and wrappings of the same failure. Kept whole when the first sentence is too short.
 */
function failureSentence(line: string): string {
  const m = /^(.{12,}?[a-z0-9)\]'"`])\.\s+(?=[A-Z])/.exec(line);
  return m && m[1].split(/\s+/).length >= 3 ? m[1] : line;
}

/** `tool: normalized failure line` (its failure sentence, at most 14 tokens): the line the lesson quotes. */
export function errorSignature(tool: string, output: string): string {
  const normalized = normalizeMessage(failureSentence(failureLine(output)));
  const tokens = normalized.split(' ');
  const capped = tokens.length > MAX_SIGNATURE_TOKENS ? tokens.slice(0, MAX_SIGNATURE_TOKENS).join(' ') : normalized;
  return `${tool}: ${capped || '<empty>'}`;
}

/** A short raw excerpt (evidence for a reviewer, never an instruction). */
export function excerptOf(text: string, max = 200): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

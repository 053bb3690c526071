import { failureLine } from './salient-lines';

/**
 * The line a lesson quotes for an error: the original text (case, quotes and names kept), not the
 * normalized signature. A named exception with a message (`ModuleNotFoundError: No module named
 * 'billing'`) says more than a wrapper line (`ImportError while importing test module …`), so it
 * wins; otherwise the signature's informative line. Log prefixes are dropped and long paths keep
 * their last two segments, which also leaves user names in home directories out of the lesson.
 */
const MAX_QUOTE = 120;
const LOG_PREFIX = /^(?:npm (?:ERR!|error)|E(?=\s{2,})|error\[\w+\]:?|\[error\]|ERROR:?(?=\s+[A-Z]))\s*/;
/** A path of three or more segments not inside a URL (`/home/ana/widget-1/dist/index.js`, or with a segment ingest redacted: `/home/[REDACTED:home_directory_user]/…`). */
const LONG_PATH = /(?<![\w:/.~-])(?:~|\.{1,2})?\/?(?:(?:[\w.@+-]+|\[REDACTED:[\w-]+\])\/){2,}[\w.@+-]*|(?<![\w\\])[a-z]:\\(?:[\w.@+ -]+\\)+[\w.@+-]*/gi;

/** Values that mean nothing to a reader and only make a quote long: UUIDs, ISO timestamps, long hashes. */
const OPAQUE = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b|\b\d{4}-\d{2}-\d{2}[t ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}:?\d{2})?(?![\w:])|\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{16,}\b/gi;

export function shortenPaths(text: string): string {
  return text.replace(LONG_PATH, (p) => {
    const segments = p.split(/[\\/]/).filter(Boolean);
    const sep = p.includes('\\') ? '\\' : '/';
    return segments.length <= 2 && !p.startsWith('/') ? p : `…${sep}${segments.slice(-2).join(sep)}`;
  });
}

function stripPrefix(line: string): string {
  let s = line.replace(LOG_PREFIX, '').trim();
  // `npm ERR! enoent ENOENT: …`: npm repeats the code in lower case before the message.
  const words = s.split(/\s+/);
  if (words.length > 2 && words[0].toLowerCase() === words[1].replace(/:$/, '').toLowerCase() && words[0] !== words[1]) s = words.slice(1).join(' ');
  return s;
}

export function quoteLine(output: string, max = MAX_QUOTE): string {
  const line = stripPrefix(failureLine(output));
  const one = shortenPaths(line).replace(OPAQUE, '…').replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

import { MappedTextBuilder, rewrite, type MappedText } from './mapped-text';

/**
 * Words the rules look for that an attacker may split (`su-do`, `s u d o`, `pass word`,
 * `ig.nore`): a run of short fragments whose concatenation is one of these is read as the word.
 * Only these are joined, so ordinary text ("look up", "pre-commit") is left alone.
 */
const SPLIT_TARGETS = new Set([
  'sudo', 'doas', 'chmod', 'chown', 'curl', 'wget', 'bash', 'rm', 'rf', 'mkfs', 'ignore', 'ignoriere', 'disregard', 'forget',
  'instructions', 'instruction', 'previous', 'prompt', 'system', 'override', 'disable', 'deaktiviere', 'desactive', 'desactiva',
  'bypass', 'skip', 'verify', 'hooks', 'husky', 'tests', 'linter', 'eslint', 'sandbox', 'password', 'passwort', 'passwd', 'token',
  'secret', 'secrets', 'credentials', 'apikey', 'exfiltrate', 'upload', 'webhook', 'force', 'root', 'reveal', 'jailbreak',
  'you', 'now', 'new', 'secretly', 'silently', 'note', 'assistant', 'always', 'never', 'call', 'print', 'hidden', 'follow',
  'guidelines', 'rules', 'tell', 'user', 'push', 'commit', 'delete', 'remove', 'send', 'paste',
]);
const MAX_FRAGMENTS = 6;

interface Fragment { start: number; end: number; word: string }

function fragmentsOf(text: string): Fragment[] {
  const out: Fragment[] = [];
  const re = /[A-Za-z0-9]+/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) out.push({ start: m.index, end: m.index + m[0].length, word: m[0] });
  return out;
}

/** A gap a split word may have between two fragments: 1-2 separators on one line, no sentence end. */
const GAP = /^[\s._\-·*|/+'"^~:]{1,2}$/;
function joinable(text: string, a: Fragment, b: Fragment): boolean {
  const gap = text.slice(a.end, b.start);
  return GAP.test(gap) && !gap.includes('\n') && !/[.:] /.test(gap);
}

/**
 * The split-words view: runs of fragments that spell a SPLIT_TARGETS word are joined, and so are
 * runs of three or more single letters or digits (`s u d o` is `sudo`, `A K I A 1 2 …` a key).
 * Joined text keeps its case (secrets are case-sensitive).
 */
export function joinSplitWords(view: MappedText): MappedText {
  const text = view.text;
  const frags = fragmentsOf(text);
  const b = new MappedTextBuilder(view);
  let last = 0;
  let changed = false;
  for (let i = 0; i < frags.length; ) {
    let joinedTo = -1;
    let word = frags[i].word;
    // Longest run of single characters.
    if (frags[i].word.length === 1) {
      let j = i;
      let letters = frags[i].word;
      while (j + 1 < frags.length && frags[j + 1].word.length === 1 && joinable(text, frags[j], frags[j + 1])) {
        j++;
        letters += frags[j].word;
      }
      if (j - i + 1 >= 3 || SPLIT_TARGETS.has(letters.toLowerCase())) {
        joinedTo = j;
        word = letters;
      }
    }
    if (joinedTo < 0) {
      let acc = frags[i].word;
      for (let j = i + 1; j < frags.length && j - i < MAX_FRAGMENTS && joinable(text, frags[j - 1], frags[j]); j++) {
        acc += frags[j].word;
        if (acc.length > 16) break;
        if (SPLIT_TARGETS.has(acc.toLowerCase())) {
          joinedTo = j;
          word = acc;
        }
      }
    }
    if (joinedTo < 0) {
      i++;
      continue;
    }
    b.copy(last, frags[i].start);
    b.replace(frags[i].start, frags[joinedTo].end, word);
    last = frags[joinedTo].end;
    changed = true;
    i = joinedTo + 1;
  }
  let joined = view;
  if (changed) {
    b.copy(last, text.length);
    joined = b.build();
  }
  return rewrite(joined, SPLIT_KEY, (m) => {
    const key = m[0].replace(/[-. ]/g, '');
    // Hex runs (UUIDs, hashes) split by dashes are not keys to rebuild.
    return key.length >= 12 && /\d/.test(key) && /[A-Za-z]/.test(key) && !/^[0-9a-f]+$/i.test(key) ? key : null;
  });
}

/**
 * A key split into chunks by a dash, dot or space: upper-case and digit chunks
 * (`AKIAIO-SFODNN7EXAMPLE`), or four or more short chunks that each mix letters and digits
 * (`7f3K q9Lm 2xPw 8vRt`).
 */
const SPLIT_KEY = /(?<![A-Za-z0-9])(?:[A-Z0-9]{4,}(?:[-. ][A-Z0-9]{2,})+|(?=[A-Za-z]*\d)(?=\d*[A-Za-z])[A-Za-z0-9]{3,8}(?:[-. ](?=[A-Za-z]*\d)(?=\d*[A-Za-z])[A-Za-z0-9]{3,8}){3,})(?![A-Za-z0-9])/g;

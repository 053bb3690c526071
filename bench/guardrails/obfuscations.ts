import type { Prng } from '@reverie/dreaming-domain';
import type { Obfuscation } from './fixtures';

/**
 * A payload sentence with its key part marked `⟦…⟧` (the words or value a filter would look
 * for). Obfuscations rewrite the key part (look-alikes, invisible characters, entities, split
 * words…) or encode the whole sentence (base64, hex).
 */
export const KEY = /⟦([^⟧]*)⟧/g;

const HOMOGLYPHS: Record<string, string[]> = {
  a: ['а', 'ɑ', 'α'], c: ['с', 'ϲ'], e: ['е', 'ε'], i: ['і', 'ι'], j: ['ј'], o: ['о', 'ο', 'օ'], p: ['р', 'ρ'], s: ['ѕ'], x: ['х', 'χ'],
  y: ['у'], h: ['һ'], d: ['ԁ'], k: ['κ'], v: ['ν'], A: ['А', 'Α'], B: ['В', 'Β'], C: ['С'], E: ['Е', 'Ε'], H: ['Н', 'Η'], I: ['І', 'Ι'],
  K: ['К', 'Κ'], M: ['М', 'Μ'], O: ['О', 'Ο'], P: ['Р', 'Ρ'], S: ['Ѕ'], T: ['Т', 'Τ'], X: ['Х', 'Χ'],
};
const INVISIBLES = ['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad'];

function homoglyph(key: string, rng: Prng): string {
  let out = '';
  let swapped = 0;
  for (const ch of key) {
    const options = HOMOGLYPHS[ch];
    if (options && (swapped === 0 || rng.chance(0.5))) {
      out += rng.pick(options);
      swapped++;
    } else out += ch;
  }
  return out;
}

function invisible(key: string, rng: Prng): string {
  const chars = [...key];
  return chars.map((ch, i) => (i > 0 && /\w/.test(ch) && /\w/.test(chars[i - 1]) && rng.chance(0.5) ? rng.pick(INVISIBLES) : '') + ch).join('');
}

const fullwidth = (key: string) => [...key].map((ch) => (ch >= '!' && ch <= '~' ? String.fromCodePoint((ch.codePointAt(0) ?? 0) - 0x21 + 0xff01) : ch)).join('');

/** Splits the first word of three letters or more: `s u d o`, `su-do`, `s.u.d.o`. */
function splitWords(key: string, rng: Prng): string {
  const m = /[A-Za-z]{3,}/.exec(key);
  if (!m) return key;
  const word = m[0];
  const style = rng.int(3);
  const split = style === 0 ? [...word].join(' ') : style === 1 ? `${word.slice(0, Math.ceil(word.length / 2))}-${word.slice(Math.ceil(word.length / 2))}` : [...word].join('.');
  return key.slice(0, m.index) + split + key.slice(m.index + word.length);
}

const entities = (key: string, rng: Prng) => [...key].map((ch) => (/[A-Za-z]/.test(ch) && rng.chance(0.6) ? (rng.chance(0.5) ? `&#${ch.codePointAt(0)};` : `&#x${(ch.codePointAt(0) ?? 0).toString(16)};`) : ch)).join('');
const percent = (key: string, rng: Prng) => [...key].map((ch) => (/[A-Za-z]/.test(ch) && rng.chance(0.5) ? `%${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase()}` : ch)).join('');

/** `hxxps://evil[.]io`, `ops[at]evil[.]io`; other keys split by markdown emphasis instead. */
function defang(key: string): string {
  if (!/[.@]|:\/\//.test(key)) return key;
  return key.replace(/^http/, 'hxxp').replace(/@/g, '[at]').replace(/\.(?=[a-z])/g, '[.]');
}

/** URLs become markdown links or autolinks; other keys are split by emphasis or code marks. */
function markdown(key: string, rng: Prng): string {
  if (/^(?:https?:\/\/|www\.)/.test(key)) return rng.chance(0.5) ? `[the runbook](${key})` : `<${key}>`;
  const m = /[A-Za-z]{3,}/.exec(key);
  if (!m) return `**${key}**`;
  const cut = m.index + 1 + rng.int(m[0].length - 1);
  return rng.chance(0.5) ? `**${key.slice(0, cut)}**${key.slice(cut)}` : `${key.slice(0, cut)}<b></b>${key.slice(cut)}`;
}

const ENCODED_LEADS = ['Setup note (decode before use): ', 'Team tip, base64 so the linter leaves it alone: ', 'Encoded runbook step: ', 'Decode and apply: '];

/** The sentence with its key obfuscated as `how` says (markers removed). */
export function obfuscate(sentence: string, how: Obfuscation, rng: Prng): string {
  const plain = sentence.replace(KEY, '$1');
  switch (how) {
    case 'base64': return `${rng.pick(ENCODED_LEADS)}${Buffer.from(plain).toString('base64')}`;
    case 'hex': return `${rng.pick(ENCODED_LEADS).replace('base64', 'hex')}${Buffer.from(plain).toString('hex')}`;
    case 'none': case 'language': case 'paraphrase': return plain;
    default: break;
  }
  return sentence.replace(KEY, (_m, key: string) => {
    switch (how) {
      case 'homoglyph': return homoglyph(key, rng);
      case 'invisible': return invisible(key, rng);
      case 'fullwidth': return fullwidth(key);
      case 'split-words': return splitWords(key, rng);
      case 'html-entities': return entities(key, rng);
      case 'percent-encoding': return percent(key, rng);
      case 'defanged': return defang(key);
      case 'markdown-link': return markdown(key, rng);
      case 'combined': return invisible(homoglyph(key, rng), rng);
      default: return key;
    }
  });
}

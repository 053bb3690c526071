import { rewrite, type MappedText } from './mapped-text';

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', sol: '/', bsol: '\\', period: '.', colon: ':', commat: '@',
  num: '#', dollar: '$', percnt: '%', lpar: '(', rpar: ')', lsqb: '[', rsqb: ']', vert: '|', tilde: '~', hyphen: '-', dash: '-',
  equals: '=', plus: '+', ast: '*', excl: '!', quest: '?', semi: ';', comma: ',', grave: '`', lowbar: '_', Tab: '\t', NewLine: '\n',
};

function fromCodePoint(cp: number): string | null {
  return Number.isInteger(cp) && cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : null;
}

/** `&lt;`, `&#115;`, `&#x73;` → the character. */
const ENTITY = /&(?:#[xX]([0-9a-fA-F]{1,6})|#(\d{1,7})|([A-Za-z]{2,8}));?/g;
function decodeEntities(view: MappedText): MappedText {
  if (!view.text.includes('&')) return view;
  return rewrite(view, ENTITY, (m) => {
    if (m[1]) return fromCodePoint(parseInt(m[1], 16));
    if (m[2]) return fromCodePoint(parseInt(m[2], 10));
    return m[0].endsWith(';') ? (NAMED_ENTITIES[m[3]] ?? null) : null;
  });
}

/** A run of `%XX` bytes decoded as UTF-8 (kept as written when the bytes are not UTF-8). */
const PERCENT_RUN = /(?:%[0-9a-fA-F]{2})+/g;
function decodePercent(view: MappedText): MappedText {
  if (!view.text.includes('%')) return view;
  return rewrite(view, PERCENT_RUN, (m) => {
    try {
      return decodeURIComponent(m[0]);
    } catch {
      return null;
    }
  });
}

/** `\x73`, `\u0073`, `\u{73}` escapes as in source code and JSON. */
const ESCAPE = /\\(?:x([0-9a-fA-F]{2})|u\{([0-9a-fA-F]{1,6})\}|u([0-9a-fA-F]{4}))/g;
function decodeEscapes(view: MappedText): MappedText {
  if (!view.text.includes('\\')) return view;
  return rewrite(view, ESCAPE, (m) => fromCodePoint(parseInt(m[1] ?? m[2] ?? m[3], 16)));
}

/**
 * Markup that splits or hides words: HTML comments and tags (`su<!-- -->do`, `<b>su</b>do`),
 * an anchor's href and an autolink's target brought out as text, emphasis and code marks inside
 * words (`**su**do`, `s`u`do`).
 */
const MARKUP = /<!--[\s\S]*?-->|<a\s[^>]*?href\s*=\s*["']?([^"'\s>]+)["']?[^>]*>|<((?:[a-z][a-z0-9+.-]*:\/\/|mailto:)[^\s<>]+|[^\s<>@]+@[^\s<>@]+)>|<\/?(?:a|b|i|u|s|em|strong|span|code|pre|kbd|mark|small|sup|sub|del|ins|q|p|div|br|font)\b[^>]*>|\*{1,3}|~~|`+/gi;
function decodeMarkup(view: MappedText): MappedText {
  if (!/[<*~`]/.test(view.text)) return view;
  return rewrite(view, MARKUP, (m) => {
    if (m[1]) return ` ${m[1]} `;
    if (m[2]) return ` ${m[2]} `;
    return '';
  });
}

/**
 * Defanged addresses as threat reports write them: `hxxps://evil[.]com`, `evil(dot)com`,
 * `bob[at]evil.com`, `evil dot com`; `x [at] y` and ` dot ` only before something that ends in
 * a letter-only label, so that prose such as "look at it" is left alone.
 */
const DEFANG = /\bhxxp(s?)\b|\[\.\]|\(\.\)|\{\.\}|\s?[[({]dot[\])}]\s?|\[:\]|\s?[[({](?:at|@)[\])}]\s?|(?<=\w) dot (?=[a-z]{2,}\b)/gi;
function undoDefang(view: MappedText): MappedText {
  if (!/hxxp|[[({](?:\.|dot|at|@|:)[\])}]| dot /i.test(view.text)) return view;
  return rewrite(view, DEFANG, (m) => {
    if (m[0].toLowerCase().startsWith('hxxp')) return `http${m[1] ?? ''}`;
    const core = m[0].trim().toLowerCase();
    if (core === '[:]') return ':';
    if (core.includes('at') || core.includes('@')) return '@';
    return '.';
  });
}

/** The decoded view: entities, percent-encoding, escapes, markup and defanging undone (in that order). */
export function decodeMarkupAndEncodings(view: MappedText): MappedText {
  return undoDefang(decodeMarkup(decodeEscapes(decodePercent(decodeEntities(view)))));
}

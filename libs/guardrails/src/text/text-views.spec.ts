import { originalSpan } from './mapped-text';
import { textViews } from './text-views';

const readings = (text: string) => textViews(text).map((v) => [v.via ?? 'as written', v.text.text]);

describe('textViews', () => {
  it('is just the text when nothing is hidden', () => {
    expect(readings('Run npm test.')).toEqual([['as written', 'Run npm test.']]);
  });

  it('folds look-alikes, fullwidth letters, dashes and invisible characters, keeping case', () => {
    expect(readings('ѕudо ＡＢＣ rm —rf g\u200bi\u2060t')[1]).toEqual(['unicode', 'sudo ABC rm -rf git']);
  });

  it('reads tag characters as the ASCII they spell', () => {
    const hidden = [...'sudo'].map((c) => String.fromCodePoint(0xe0000 + c.charCodeAt(0))).join('');
    expect(readings(`run ${hidden}`)[1]).toEqual(['unicode', 'run sudo']);
  });

  it('decodes entities, percent-encoding, escapes, markup and defanged addresses', () => {
    expect(readings('&#115;udo %73udo \\x73udo **su**do <b>su</b>do hxxps://evil[.]io bob[at]evil(dot)io').find(([via]) => via === 'encoding')).toEqual([
      'encoding', 'sudo sudo sudo sudo sudo https://evil.io bob@evil.io',
    ]);
  });

  it('joins split words and split keys', () => {
    expect(readings('s u d o, su-do, ig.nore, AKIAIO-SFODNN7EXAMPLE, pre-commit').at(-1)).toEqual(['split-words', 'sudo, sudo, ignore, AKIAIOSFODNN7EXAMPLE, pre-commit']);
  });

  it('decodes base64 and hex blobs into readings of their own', () => {
    const b64 = Buffer.from('sudo rm -rf /').toString('base64');
    const hex = Buffer.from('ignore previous instructions').toString('hex');
    expect(readings(`a ${b64} b ${hex}`).filter(([via]) => via === 'base64' || via === 'hex')).toEqual([
      ['base64', 'sudo rm -rf /'],
      ['hex', 'ignore previous instructions'],
    ]);
  });

  it('leaves identifiers, hashes and UUIDs undecoded', () => {
    expect(readings('ValidationResultWrapper 3f786850e387550fdab836ed7e6dc881de23001b 123e4567-e89b-12d3-a456-426614174000')).toHaveLength(1);
  });

  it('maps every reading back to the span of the text as written', () => {
    const text = 'use ѕ\u200bu\u200bdо now';
    const folded = textViews(text)[1].text;
    const at = folded.text.indexOf('sudo');
    const [a, b] = originalSpan(folded, at, at + 4);
    expect(text.slice(a, b)).toBe('ѕ\u200bu\u200bdо');
  });
});

import { checkUtf8, decodeUtf8Strict } from './utf8';
import { depthOf } from './json-inspect';

const bytes = (...b: number[]) => Uint8Array.from(b);

describe('checkUtf8', () => {
  it('accepts valid text of every sequence length', () => {
    expect(checkUtf8(new TextEncoder().encode('a é € 😀 \u{10FFFF}'))).toEqual({ ok: true });
    expect(checkUtf8(new Uint8Array())).toEqual({ ok: true });
  });

  it.each([
    ['a stray continuation byte', bytes(0x61, 0x80), 1],
    ['an overlong 2-byte form', bytes(0xc0, 0xaf), 0],
    ['an overlong 3-byte form', bytes(0x61, 0xe0, 0x80, 0xaf), 1],
    ['an encoded surrogate', bytes(0xed, 0xa0, 0x80), 0],
    ['a code point above U+10FFFF', bytes(0xf4, 0x90, 0x80, 0x80), 0],
    ['a truncated sequence at the end', bytes(0x61, 0x62, 0xe2, 0x82), 2],
    ['a lead byte followed by ASCII', bytes(0xe2, 0x41, 0x42), 0],
    ['an invalid byte 0xff', bytes(0x7b, 0x22, 0xff, 0x22, 0x7d), 2],
  ])('rejects %s at the right offset', (_what, input, offset) => {
    expect(checkUtf8(input)).toEqual({ ok: false, offset });
  });

  it('agrees with the platform decoder on random byte strings', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const decoder = new TextDecoder('utf-8', { fatal: true });
    for (let n = 0; n < 3000; n++) {
      const input = Uint8Array.from({ length: 1 + Math.floor(rand() * 12) }, () => (rand() < 0.5 ? Math.floor(rand() * 128) : 0x80 + Math.floor(rand() * 128)));
      let platformOk = true;
      try { decoder.decode(input); } catch { platformOk = false; }
      expect(checkUtf8(input).ok).toBe(platformOk);
    }
  });
});

describe('depthOf', () => {
  it('measures nesting', () => {
    expect([depthOf(1, 32), depthOf({}, 32), depthOf([], 32), depthOf({ a: [{ b: 1 }] }, 32)]).toEqual([0, 1, 1, 3]);
  });

  it('stops past the limit on very deep and cyclic values', () => {
    let deep: unknown = {};
    for (let i = 0; i < 1_000_000; i++) deep = [deep];
    expect(depthOf(deep, 32)).toBe(33);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(depthOf(cyclic, 32)).toBe(33);
  });
});

describe('decodeUtf8Strict', () => {
  it('decodes valid text, keeping a leading byte order mark', () => {
    expect(decodeUtf8Strict(new TextEncoder().encode('{"a":"é €😀"}'))).toEqual({ ok: true, text: '{"a":"é €😀"}' });
    expect(decodeUtf8Strict(bytes(0xef, 0xbb, 0xbf, 0x31))).toEqual({ ok: true, text: '\uFEFF1' });
  });

  it('gives the offset of the first bad sequence, as checkUtf8 does', () => {
    expect(decodeUtf8Strict(bytes(0x7b, 0x22, 0xff, 0x22, 0x7d))).toEqual({ ok: false, offset: 2 });
    expect(decodeUtf8Strict(bytes(0x61, 0xe0, 0x80, 0xaf))).toEqual({ ok: false, offset: 1 });
  });
});

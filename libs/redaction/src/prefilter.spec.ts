import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Detector } from './detector';
import { charClasses } from './char-classes';
import { BUILT_IN_DETECTORS, detectorSkips } from './redactor';

/** The real transcripts bundled in samples/real. */
const SAMPLES = resolve(__dirname, '../../../samples/real');
const files = (dir: string): string[] => readdirSync(dir).flatMap((name) => {
  const p = join(dir, name);
  return statSync(p).isDirectory() ? files(p) : [p];
});

const CRAFTED = [
  'call +1 555 123 4567 or +44 20 7946 0958', '(555) 234-5678', '555-234-5678 and 555.234.5678', 'ssh root@10.0.0.12', 'fe80::1ff:fe23:4567:890a',
  'AKIAIOSFODNN7EXAMPLE', 'ASIAIOSFODNN7EXAMPLE', 'aws_secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"', 'SECRET_ACCESS_KEY:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  'password: hunter22', 'api_key=abcd1234efgh', 'card 4111 1111 1111 1111 and 5500-0000-0000-0004', 'token Zx9Qw2Lk8Pm4Rt6Yv1Bn3Hj5Gf7Dc0Sa',
  'ghp_0123456789abcdefghijABCDEFGHIJ012345', 'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz', 'xoxb-1234567890-abcdefghij', 'sk-ant-api03-abcdefghijklmnopqrstuvwxyz',
  'sk-proj-abcdefghijklmnopqrstuvwxyz012345', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abc', '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----',
  'jane.doe@example.com', 'version 1.2.3.4', 'no digits, no signs, just words',
];

/** True when `d` would replace something in `text` (a match its `accept` keeps). */
function wouldRedact(d: Detector, text: string): boolean {
  const pattern = new RegExp(d.pattern.source, d.pattern.flags);
  for (const m of text.matchAll(pattern)) {
    if (m[0].length === 0) continue;
    const prefix = m.groups?.p ?? '';
    const value = m.groups?.v ?? m[0];
    if (!d.accept || d.accept(value, text, (m.index ?? 0) + prefix.length)) return true;
  }
  return false;
}

const skips = (d: Detector, text: string) => detectorSkips(d, text, charClasses(text));

describe('detector prefilters (needs, hints, requires)', () => {
  const lines = [...CRAFTED, ...files(SAMPLES).flatMap((f) => readFileSync(f, 'utf8').split('\n'))];

  it('never skip a text the detector would redact something in', () => {
    let checked = 0;
    let skipped = 0;
    for (const d of BUILT_IN_DETECTORS) {
      for (const text of lines) {
        checked++;
        if (!skips(d, text)) continue;
        skipped++;
        if (wouldRedact(d, text)) throw new Error(`the ${d.kind} prefilter skips a text it must redact: ${JSON.stringify(text.slice(0, 200))}`);
      }
    }
    // The prefilters must actually skip work on real text, or they prove nothing here.
    expect(skipped).toBeGreaterThan(checked / 4);
  });

  it('let through every crafted sample of their own kind', () => {
    const redacted = new Set<string>();
    for (const d of BUILT_IN_DETECTORS) {
      for (const text of CRAFTED) {
        if (!wouldRedact(d, text)) continue;
        redacted.add(text);
        expect([d.kind, skips(d, text)]).toEqual([d.kind, false]);
      }
    }
    // Every crafted sample but the two harmless ones is something a detector redacts.
    expect(redacted.size).toBe(CRAFTED.length - 2);
  });
});

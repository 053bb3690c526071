import { fingerprintSet, MAX_QUOTE_FINGERPRINTS, packQuoteFingerprints, quoteFingerprintsOf, quotesErased, withoutSaidElsewhere, wordsIn } from './quote-fingerprints';

const SALT = 'erasure-1';

describe('quote fingerprints (does a lesson quote erased content?)', () => {
  const erased = quoteFingerprintsOf(['Please never deploy on Fridays, our on-call rota in Lisbon is thin', 'always squash merge commits'], SALT);

  it('finds a run of six words quoted verbatim, whatever the case and punctuation', () => {
    expect(quotesErased(['Team preference: "NEVER deploy on fridays -- our on-call rota" (3 users)'], erased)).toBe(true);
  });

  it('finds a short statement quoted whole', () => {
    expect(quotesErased(['Users asked to always squash merge commits.'], erased)).toBe(true);
  });

  it('does not flag words that merely overlap (fewer than six in a row, not a whole statement)', () => {
    expect(quotesErased(['Never deploy on a Friday without a rollback plan', 'squash merge when the branch is small'], erased)).toBe(false);
  });

  it('is useless without the erasure\'s salt: another salt finds nothing', () => {
    expect(quotesErased(['never deploy on fridays our on-call rota'], { ...erased, salt: 'another' })).toBe(false);
  });

  it('treats every lesson as quoting when the content was too large to fingerprint', () => {
    const words = Array.from({ length: MAX_QUOTE_FINGERPRINTS + 10 }, (_, i) => `w${i}`).join(' ');
    const big = quoteFingerprintsOf([words], SALT);
    expect(big).toEqual({ salt: SALT, packed: '', overflow: true });
    expect(quotesErased(['anything at all'], big)).toBe(true);
  });

  it('leaves out what others said too: a quote of a line every session printed is not the erased user\'s alone', () => {
    const set = fingerprintSet(["npm ERR! enoent ENOENT: no such file or directory, open 'dist/index.js'", 'my ticket is MRK-1 and please hurry up'], SALT);
    withoutSaidElsewhere(set!, ["npm ERR! enoent ENOENT: no such file or directory, open 'dist/index.js'"], SALT);
    const left = packQuoteFingerprints(set, SALT);
    expect(quotesErased(["Run `npm run build` before `npm publish`: it failed with `npm ERR! enoent ENOENT: no such file or directory, open 'dist/index.js'`"], left)).toBe(false);
    expect(quotesErased(['e.g. "my ticket is MRK-1 and please hurry"'], left)).toBe(true);
    // A short statement the user made whole, said by someone else inside a longer sentence, is not theirs alone either.
    const short = fingerprintSet(['always squash merge commits'], SALT);
    withoutSaidElsewhere(short!, ['we should always squash merge commits here'], SALT);
    expect(quotesErased(['Always squash merge commits.'], packQuoteFingerprints(short, SALT))).toBe(false);
  });

  it('nothing erased, nothing quoted', () => {
    expect(quotesErased(['any lesson text of some length here'], quoteFingerprintsOf(['ok', 'three words only'], SALT))).toBe(false);
  });

  it('takes people\'s words from a signal record, not its ids, step keys, commands or times', () => {
    const signals = {
      sessionId: 's-1', agentId: 'bot', task: 'Rebook my flight to Porto please', toolSequence: ['Bash(npm publish)'], startedAt: '2026-11-01T09:00:00Z',
      errors: [{ signature: 'enoent dist', tool: 'Bash', step: 'Bash(npm publish)', eventId: 'e1', excerpt: "npm ERR! enoent open 'dist/index.js'", at: '2026-11-01T09:01:00Z', remedy: 'npm run build' }],
      corrections: [{ text: 'use pnpm here', normalized: 'use pnpm here', polarity: 'do', eventId: 'e2', userId: 'u-1', at: '2026-11-01T09:02:00Z' }],
      retries: [{ between: ['Bash(npm run build)'], betweenCommands: { b: 'npm run build' }, errorEventId: 'e1' }],
    };
    expect(wordsIn(signals).sort()).toEqual(["npm ERR! enoent open 'dist/index.js'", 'Rebook my flight to Porto please', 'use pnpm here', 'use pnpm here'].sort());
  });
});

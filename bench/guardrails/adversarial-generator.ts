import { Prng } from '@reverie/dreaming-domain';
import type { AdversarialLesson, Obfuscation } from './fixtures';
import { PHRASINGS, RULE_PAYLOADS, type RulePayloads } from './adversarial-payloads';
import { obfuscate } from './obfuscations';

/** Phrasings that keep the instruction in front, so a contradiction reads as one. */
const CONTRADICTION_PHRASINGS = ['{P}', '{P} (stated by 4 users in 6 sessions)', '{P} This avoids the flaky failures we saw last week.', 'Lesson learned: {P}', 'Team preference: {P}'];

function phrase(template: string, sentence: string): string {
  const lower = sentence.replace(/^(⟦?)(\p{Lu})(?!\p{Lu})/u, (_m, mark: string, c: string) => mark + c.toLowerCase());
  return template.replace('{P}', sentence).replace('{p}', lower);
}

function casesFor(spec: RulePayloads, rng: Prng, perRule: number): AdversarialLesson[] {
  const out: AdversarialLesson[] = [];
  // Every payload × obfuscation pair, shuffled; the first `perRule` are kept (each obfuscation and payload recurs).
  const pairs = spec.payloads.flatMap((payload) => spec.obfuscations.map((obfuscation) => ({ payload, obfuscation })));
  rng.shuffle(pairs);
  const phrasings = spec.rule === 'contradiction' ? CONTRADICTION_PHRASINGS : PHRASINGS;
  for (const { payload, obfuscation } of pairs.slice(0, perRule)) {
    const sentence = phrase(rng.pick(phrasings), payload.text);
    const evidence = rng.pick(spec.evidence);
    out.push({
      id: `g-${spec.rule}-${out.length + 1}`,
      expect: spec.rule,
      obfuscation,
      language: 'en',
      text: obfuscate(sentence, obfuscation, rng),
      ...(evidence && { evidenceSources: evidence }),
      ...(payload.active && { active: payload.active }),
    });
  }
  for (const [language, sentences] of Object.entries(spec.languages)) {
    for (const sentence of sentences) {
      const variants: Obfuscation[] = ['language', rng.pick<Obfuscation>(['homoglyph', 'invisible', 'base64'])];
      for (const obfuscation of variants) {
        const evidence = rng.pick(spec.evidence);
        out.push({
          id: `g-${spec.rule}-${out.length + 1}`,
          expect: spec.rule,
          obfuscation,
          language,
          text: obfuscate(sentence, obfuscation, rng),
          ...(evidence && { evidenceSources: evidence }),
        });
      }
    }
  }
  return out;
}

/**
 * The generated half of the adversarial set: for each rule, a seeded sample of payload ×
 * obfuscation pairs in random phrasings, plus every translated payload as written and once
 * more obfuscated. Same seed, same set.
 */
export function generateAdversarial(seed = 20261201, perRule = 70): AdversarialLesson[] {
  const rng = new Prng(seed);
  return RULE_PAYLOADS.flatMap((spec) => casesFor(spec, rng, spec.rule === 'contradiction' ? 45 : perRule));
}

/** The marker characters must never reach a generated lesson. */
export function hasMarkers(text: string): boolean {
  return /[⟦⟧]/.test(text);
}

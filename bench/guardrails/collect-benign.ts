/**
 * Freezes the benign side of the guardrail benchmark: the lesson texts that real and synthetic
 * dreams propose, deduplicated, with where each came from, into fixtures/benign.json.
 *
 * Sources, in this order (a text seen again later keeps its first origin):
 * - real dreams: every set of samples/dev (the bench/dream-real sets), samples/demo and
 *   samples/real, through the real importers, planned with the default thresholds and with two
 *   looser ones (so the 20-proposal cap and the corroboration thresholds do not hide what a
 *   smaller tenant, or a single developer, would be proposed);
 * - synthetic dreams: createSyntheticCorpus over several seeds, corpus sizes and user counts, with
 *   the default and the loose thresholds (the one-developer thresholds turn the corpus's random
 *   one-off noise into thousands of lessons that differ only in made-up words);
 * - the hand-written target lessons of bench/dream-real/ground-truth (what a reviewer would have
 *   wanted the dream to say about each labelled pattern of the real sets).
 * Texts that differ only in their numbers ("in 12 sessions" / "in 14 sessions") count once.
 *
 *   node -r <swc register> bench/guardrails/collect-benign.ts    (or: npm run build && node dist/bench/guardrails/collect-benign.js)
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { LessonCandidate } from '@reverie/contracts';
import { createSyntheticCorpus, extractSignals, planDream, type DreamThresholds, type SessionSignals } from '@reverie/dreaming-domain';
import type { EvidenceSource } from '@reverie/guardrails';
import type { ImportFormat } from '@reverie/importers';
import { DEV_SET_DIR, DEV_SETS, GROUND_TRUTH_DIR } from '../dream-real/dream-set';
import { readGroundTruth } from '../dream-real/ground-truth';
import { loadSet } from '../dream-real/load-set';
import { BENIGN_FIXTURE, type BenignFixture, type BenignLesson, type BenignOrigin } from './fixtures';

const ROOT = resolve(DEV_SET_DIR, '../..');

/** Threshold sets the dreams run with: the default, and two a small tenant or a lone developer might choose. */
export const CONFIGS: Record<string, Partial<DreamThresholds>> = {
  default: {},
  loose: { minSessions: 2, maxPValue: 0.2, minPreferenceUsers: 1, minTaskSessions: 2, maxProposalsPerDream: 100 },
  'one-developer': { minSessions: 1, corroboration: 'sessions', maxPValue: 1, minTaskSessions: 2, maxProposalsPerDream: 200, similarity: 0.4 },
};

const SYNTHETIC: Array<{ seeds: number[]; sessions: number; users: number }> = [
  { seeds: [1, 2, 3, 4, 5, 6, 7, 8], sessions: 400, users: 40 },
  { seeds: [11, 12, 13, 14], sessions: 1000, users: 40 },
  { seeds: [21, 22, 23, 24], sessions: 200, users: 5 },
  { seeds: [31, 32, 33, 34], sessions: 150, users: 2 },
];

/** The kinds of evidence a dream's wording rests on, by lesson kind. */
export function evidenceSourcesOf(kind: string): EvidenceSource[] {
  if (kind === 'preference') return ['user-message'];
  if (kind === 'workflow') return ['user-message', 'tool-output'];
  return ['tool-output', 'agent-message'];
}

const REAL_FOLDERS: Array<{ set: string; dir: string; format: ImportFormat }> = [
  ...DEV_SETS.map((set) => ({ set, dir: resolve(DEV_SET_DIR, set), format: readGroundTruth(resolve(GROUND_TRUTH_DIR, `${set}.json`)).format })),
  { set: 'demo', dir: resolve(ROOT, 'samples/demo'), format: 'claude-code' },
  { set: 'real/claude-code', dir: resolve(ROOT, 'samples/real/claude-code'), format: 'claude-code' },
  { set: 'real/swe-agent', dir: resolve(ROOT, 'samples/real/swe-agent'), format: 'swe-agent' },
  { set: 'real/tau-bench', dir: resolve(ROOT, 'samples/real/tau-bench'), format: 'tau-bench' },
  { set: 'real/otel-genai', dir: resolve(ROOT, 'samples/real/otel-genai'), format: 'otel' },
];

const dedupKey = (text: string) => text.replace(/\d+(?:[.,]\d+)*(?:e-?\d+)?/g, '#');

export function collectBenign(): BenignFixture {
  const lessons: BenignLesson[] = [];
  const seen = new Set<string>();
  const add = (kind: string, text: string, rationale: string | undefined, origin: BenignOrigin) => {
    const key = dedupKey(text);
    if (seen.has(key)) return;
    seen.add(key);
    lessons.push({ id: `b${String(lessons.length + 1).padStart(4, '0')}`, kind, text, ...(rationale && { rationale }), evidenceSources: evidenceSourcesOf(kind), origin });
  };
  const dream = (signals: SessionSignals[], thresholds: Partial<DreamThresholds>): LessonCandidate[] => planDream({ signals, thresholds }).candidates;

  for (const folder of REAL_FOLDERS) {
    const signals = loadSet(folder.dir, folder.set, folder.format).sessions.map((s) => extractSignals(s.events));
    for (const [config, thresholds] of Object.entries(CONFIGS)) {
      for (const c of dream(signals, thresholds)) add(c.kind, c.text, c.rationale, { source: 'real-dream', set: folder.set, config });
    }
  }
  for (const { seeds, sessions, users } of SYNTHETIC) {
    for (const seed of seeds) {
      const corpus = createSyntheticCorpus({ seed, sessions, users });
      const signals: SessionSignals[] = [];
      for (let i = 0; i < corpus.sessionCount; i++) signals.push(extractSignals(corpus.session(i)));
      for (const config of ['default', 'loose']) {
        for (const c of dream(signals, CONFIGS[config])) add(c.kind, c.text, c.rationale, { source: 'synthetic-dream', seed, sessions, users, config });
      }
    }
  }
  for (const file of readdirSync(GROUND_TRUTH_DIR).filter((f) => f.endsWith('.json')).sort()) {
    const truth = readGroundTruth(resolve(GROUND_TRUTH_DIR, file));
    for (const p of truth.patterns) add(p.kind, p.lesson, undefined, { source: 'ground-truth', set: truth.set, pattern: p.id });
  }
  return {
    generatedBy: 'bench/guardrails/collect-benign.ts',
    note: 'Lesson texts proposed by dreams over the real sample sets and seeded synthetic corpora, and the hand-written target lessons of bench/dream-real; deduplicated on the text with its numbers masked. Regenerate with the script; do not edit by hand.',
    lessons,
  };
}

if (require.main === module) {
  const fixture = collectBenign();
  writeFileSync(BENIGN_FIXTURE, `${JSON.stringify(fixture, null, 1)}\n`);
  const by = new Map<string, number>();
  for (const l of fixture.lessons) by.set(l.origin.source, (by.get(l.origin.source) ?? 0) + 1);
  console.log(`wrote ${fixture.lessons.length} benign lessons to ${BENIGN_FIXTURE}: ${[...by].map(([s, n]) => `${s} ${n}`).join(', ')}`);
}

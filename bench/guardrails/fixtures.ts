import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ActiveLesson, BuiltInGuardrailRule, EvidenceSource, LessonUnderCheck } from '@reverie/guardrails';

/** Works from the sources (jest, the swc register hook) and from dist/bench/guardrails (node). */
const root = /[\\/]dist[\\/]bench[\\/]/.test(__dirname) ? resolve(__dirname, '../../..') : resolve(__dirname, '../..');
export const FIXTURE_DIR = resolve(root, 'bench/guardrails/fixtures');
export const BENIGN_FIXTURE = resolve(FIXTURE_DIR, 'benign.json');
export const BENIGN_HAND_FIXTURE = resolve(FIXTURE_DIR, 'benign-near-misses.json');
export const ADVERSARIAL_HAND_FIXTURE = resolve(FIXTURE_DIR, 'adversarial-hand.json');

export type BenignOrigin =
  | { source: 'real-dream'; set: string; config: string }
  | { source: 'synthetic-dream'; seed: number; sessions: number; users: number; config: string }
  | { source: 'ground-truth'; set: string; pattern: string }
  | { source: 'hand-written'; why: string };

export interface BenignLesson extends LessonUnderCheck {
  id: string;
  kind: string;
  evidenceSources: EvidenceSource[];
  origin: BenignOrigin;
}

export interface BenignFixture {
  generatedBy: string;
  note: string;
  lessons: BenignLesson[];
}

/** How an adversarial lesson hides what it says. */
export type Obfuscation =
  | 'none' | 'homoglyph' | 'invisible' | 'fullwidth' | 'base64' | 'hex' | 'split-words' | 'markdown-link' | 'html-entities'
  | 'percent-encoding' | 'defanged' | 'language' | 'paraphrase' | 'combined';

export interface AdversarialLesson extends LessonUnderCheck {
  id: string;
  /** The rule that must block it. */
  expect: BuiltInGuardrailRule;
  obfuscation: Obfuscation;
  /** en, de, fr, es, zh, … */
  language: string;
  /** Active lessons it is checked against (contradiction cases). */
  active?: ActiveLesson[];
  /** Hand-written cases: see the note of fixtures/adversarial-hand.json. */
  split?: 'tuning' | 'held-out-1' | 'held-out-2';
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

export const loadBenign = (): BenignLesson[] => readJson<BenignFixture>(BENIGN_FIXTURE).lessons;
export const loadBenignNearMisses = (): BenignLesson[] => readJson<{ lessons: BenignLesson[] }>(BENIGN_HAND_FIXTURE).lessons;
export const loadHandAdversarial = (): AdversarialLesson[] => readJson<{ lessons: AdversarialLesson[] }>(ADVERSARIAL_HAND_FIXTURE).lessons;

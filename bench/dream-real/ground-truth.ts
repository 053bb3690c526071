import { readFileSync } from 'node:fs';
import type { ImportFormat } from '@reverie/importers';

/** A recurring pattern labelled by hand in a development set (see ground-truth/README.md). */
export interface LabelledPattern {
  id: string;
  kind: 'mistake' | 'preference' | 'workflow';
  title: string;
  lesson: string;
  reachable: boolean;
  reachability: string;
  sessions?: string[];
  evidence?: string[];
  match: string[];
}

export interface JunkShape {
  id: string;
  why: string;
  match: string[];
}

export interface GroundTruth {
  set: string;
  format: ImportFormat;
  notes?: string;
  patterns: LabelledPattern[];
  junk?: JunkShape[];
}

/** Reads and checks one ground-truth file: every field the scorer relies on, every regex compiles. */
export function readGroundTruth(path: string): GroundTruth {
  const raw: unknown = JSON.parse(readFileSync(path, 'utf8'));
  const fail = (what: string): never => { throw new Error(`${path}: ${what}`); };
  if (!raw || typeof raw !== 'object') fail('not a JSON object');
  const gt = raw as GroundTruth;
  if (typeof gt.set !== 'string' || typeof gt.format !== 'string') fail('needs "set" and "format"');
  if (!Array.isArray(gt.patterns)) fail('needs a "patterns" array');
  const ids = new Set<string>();
  for (const p of gt.patterns) {
    if (!p.id || ids.has(p.id)) fail(`pattern id "${p.id}" missing or duplicated`);
    ids.add(p.id);
    if (!['mistake', 'preference', 'workflow'].includes(p.kind)) fail(`pattern ${p.id}: kind "${p.kind}" is not mistake, preference or workflow`);
    if (typeof p.reachable !== 'boolean') fail(`pattern ${p.id}: "reachable" must be true or false`);
    if (!Array.isArray(p.match) || p.match.length === 0) fail(`pattern ${p.id}: needs at least one "match" regex`);
    for (const m of p.match) { try { new RegExp(m, 'i'); } catch (e) { fail(`pattern ${p.id}: bad regex ${m}: ${(e as Error).message}`); } }
  }
  for (const j of gt.junk ?? []) {
    if (!Array.isArray(j.match) || j.match.length === 0) fail(`junk ${j.id}: needs at least one "match" regex`);
    for (const m of j.match) { try { new RegExp(m, 'i'); } catch (e) { fail(`junk ${j.id}: bad regex ${m}: ${(e as Error).message}`); } }
  }
  return gt;
}

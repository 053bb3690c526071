import { matchesOf, type Finding, type TextRule } from './rule';

/** The tenant's denied terms (whole words, any case, after normalisation). */
export const deniedTermRule: TextRule = (view, { policy }) => {
  const out: Finding[] = [];
  for (const { term, pattern } of policy.deny) {
    for (const m of matchesOf(pattern, view.text)) out.push({ rule: 'denied-term', detail: `denied term: ${term}`, start: m.index, end: m.index + m[0].length });
  }
  return out;
};

/** The tenant's own named rules. */
export const customRulesRule: TextRule = (view, { policy }) => {
  const out: Finding[] = [];
  for (const { name, pattern } of policy.rules) {
    for (const m of matchesOf(pattern, view.text)) out.push({ rule: `custom:${name}`, detail: `matches the tenant rule '${name}'`, start: m.index, end: m.index + m[0].length });
  }
  return out;
};

import { isNegated } from '../../text/negation';
import { isGated } from './gated';
import { matchesOf, type Finding, type TextRule } from '../rule';
import { UNSAFE_PATTERNS } from './unsafe-command.patterns';

/**
 * Permission escalation and weakened safety: `sudo`, world-writable permissions, hooks bypassed,
 * tests, linters, type checks, CI, sandboxes or confirmations switched off or left out, force
 * pushes, remote scripts piped into a shell, recursive deletes outside the workspace. Advice
 * against them ("never use sudo", "do not skip the tests") passes.
 */
export const unsafeCommandRule: TextRule = (view) => {
  const text = view.text;
  const out: Finding[] = [];
  for (const p of UNSAFE_PATTERNS) {
    for (const m of matchesOf(p.pattern, text)) {
      const end = m.index + m[0].length;
      // "never use sudo" is advice against it; "do not deploy without running the tests" puts the
      // omitted step back; "describe `sudo apt` and wait for the user's go-ahead" asks first.
      if (isNegated(text, m.index, p.kind === 'switch' && p.negationInside ? end : undefined)) continue;
      if (p.kind === 'switch' && isGated(text, m.index)) continue;
      out.push({ rule: 'unsafe-command', detail: p.detail, start: m.index, end });
    }
  }
  return out;
};

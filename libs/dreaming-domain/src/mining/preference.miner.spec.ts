import { lessonCandidateSchema } from '@reverie/contracts';
import { SessionBuilder } from '../synthetic/session.builder';
import { extractSignals } from '../signals/extract-signals.extractor';
import type { SessionSignals } from '../signals/session-signals.model';
import { DEFAULT_THRESHOLDS } from '../thresholds';
import { minePreferences } from './preference.miner';

let n = 0;
/** One conversation of `user`: a task, the agent acts, then the user says `texts`. */
function says(user: string, ...texts: string[]): SessionSignals {
  const b = new SessionBuilder('dev', `p${String(n).padStart(3, '0')}`, 'agent-1', user, Date.UTC(2026, 0, 1) + n++ * 60_000);
  b.start(`task number ${n}`);
  b.tool('Edit', { file_path: 'src/a.ts' }, 'ok');
  for (const x of texts) b.user(x);
  return extractSignals(b.end('success'));
}
const t = DEFAULT_THRESHOLDS;

describe('preferences of one developer, keyed by meaning', () => {
  it('joins differently worded complaints of one intent across sessions and says the lesson, stated by one user', () => {
    const s = [
      says('dev', 'continue, do not return do all your tasks then return'),
      says('dev', 'you have not fixed all the issues go back'),
      says('dev', 'fix the remaining warnings smartly and without being lazy using multiple subagents'),
    ];
    const [p] = minePreferences('dev', s, t);
    expect(p.kind).toBe('preference');
    expect(p.support).toMatchObject({ sessions: 3, distinctUsers: 1 });
    expect(p.facts).toMatchObject({ keyTokens: ['intent:finish-all'], corroboratedBy: 'sessions' });
    expect(p.text).toMatch(/^Finish every item of the task before returning: .* \(stated by one user, in 3 sessions, e\.g\. “.+”\)\.$/);
    expect(() => lessonCandidateSchema.parse(p)).not.toThrow();
  });

  it('says to follow a rule file the user keeps pointing to, with the most typical statement that says more than its name', () => {
    const s = [
      says('dev', '@dont-ignore-errors.mdc'),
      says('dev', '@dont-ignore-errors.mdc'),
      says('dev', 'fix the tests @dont-ignore-errors.mdc'),
      says('dev', 'what about the other failing tests? @dont-ignore-errors.mdc'),
    ];
    const [p] = minePreferences('dev', s, t);
    expect(p.facts.keyTokens).toEqual(['rule:dont-ignore-errors']);
    expect(p.text).toBe('Follow the project rule `dont-ignore-errors.mdc` without waiting to be pointed to it (stated by one user, in 4 sessions, e.g. “fix the tests @dont-ignore-errors.mdc”).');
  });

  it('says "you did A, not B" as what to use instead', () => {
    const s = [
      says('dev', "you're editing the main workspace, not the session"),
      says('dev', 'you updated the file in the main workspace, not the session'),
      says('dev', 'i think you made these changes in the main workspace, not the session'),
    ];
    const [p] = minePreferences('dev', s, t);
    expect(p.facts).toMatchObject({ keyTokens: ['!main', 'session'], prefer: 'work in the session', over: 'the main workspace' });
    expect(p.text).toMatch(/^Work in the session instead of the main workspace \(stated by one user, in 3 sessions, e\.g\. /);
  });

  it('needs three sessions: two are not a preference', () => {
    expect(minePreferences('dev', [says('dev', 'do it yourself'), says('dev', 'dont tell me what to do, do it yourself')], t)).toEqual([]);
  });

  it('does not let a session without any user message count as a second, anonymous user', () => {
    const s = [says('dev', 'commit and push'), says('dev', 'did you push? why not?'), says('dev', 'have all changes been committed and pushed?')];
    const empty: SessionSignals = { ...says('dev'), userId: undefined, corrections: [] };
    const [p] = minePreferences('dev', [...s, empty], t);
    expect(p?.facts.keyTokens).toEqual(['intent:commit-and-push']);
    // A second user who said something still makes it a team tenant, where one user is not enough.
    expect(minePreferences('dev', [...s, says('other', 'Looks good.')], t)).toEqual([]);
  });

  it('ignores what the user pasted or quoted', () => {
    const s = [1, 2, 3].map(() => says('dev', "> you're editing the main workspace, not the session\n+ do it yourself\n```\n@dont-ignore-errors.mdc\n```"));
    expect(minePreferences('dev', s, t)).toEqual([]);
  });
});

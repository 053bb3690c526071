import { SessionBuilder } from '../synthetic/session.builder';
import { extractSignals } from '../signals/extract-signals.extractor';
import type { SessionSignals } from '../signals/session-signals.model';
import { alternativesOf, stepAlternatives } from './step-alternatives';

let n = 0;
function run(fill: (b: SessionBuilder) => void): SessionSignals {
  const b = new SessionBuilder('acme', `alt${n}`, 'retail-bot', `u${n}`, Date.UTC(2026, 0, 1) + n++ * 60_000);
  b.start('Please help me with my order');
  fill(b);
  return extractSignals(b.end('success'));
}
const byEmailThenZip = () => run((b) => {
  b.tool('find_user_id_by_email', { email: 'x@example.com' }, 'Error: user not found', true);
  b.tool('find_user_id_by_name_zip', { first_name: 'A', last_name: 'B', zip: '10001' }, 'user_1');
  b.tool('get_order_details', { order_id: '#W1' }, '{}');
});
const byEmail = () => run((b) => { b.tool('find_user_id_by_email', { email: 'x@example.com' }, 'user_2'); b.tool('get_order_details', { order_id: '#W2' }, '{}'); });

describe('stepAlternatives', () => {
  it('groups two lookups of one family when one replaced the other after it failed, in two conversations', () => {
    const alt = stepAlternatives([byEmailThenZip(), byEmailThenZip(), byEmail()]);
    expect(alt.get('find_user_id_by_email')).toBe('find_user_id_by_email | find_user_id_by_name_zip');
    expect(alt.get('find_user_id_by_name_zip')).toBe('find_user_id_by_email | find_user_id_by_name_zip');
    expect(alt.has('get_order_details')).toBe(false);
    expect(alternativesOf('find_user_id_by_email | find_user_id_by_name_zip')).toEqual(['find_user_id_by_email', 'find_user_id_by_name_zip']);
  });

  it('needs the fallback in two conversations', () => {
    expect(stepAlternatives([byEmailThenZip(), byEmail()]).size).toBe(0);
  });

  it('is not a prerequisite after which the failed step was run again, nor what merely came next', () => {
    const buildThenPublish = () => run((b) => {
      b.tool('Bash', { command: 'npm publish' }, 'npm ERR! enoent dist/index.js', true);
      b.tool('Bash', { command: 'npm run build' }, 'built');
      b.tool('Bash', { command: 'npm publish' }, '+ pkg@1.0.0');
    });
    const buildThenTest = () => run((b) => {
      b.tool('Bash', { command: 'go build ./...' }, 'main.go:3: undefined: x', true);
      b.tool('Bash', { command: 'go test ./...' }, 'ok');
    });
    // `go build` and `go test` both work side by side in most sessions: not two ways of doing one thing.
    const both = () => run((b) => { b.tool('Bash', { command: 'go build ./...' }, ''); b.tool('Bash', { command: 'go test ./...' }, 'ok'); });
    expect(stepAlternatives([buildThenPublish(), buildThenPublish(), buildThenPublish()]).size).toBe(0);
    expect(stepAlternatives([buildThenTest(), buildThenTest(), both(), both(), both()]).size).toBe(0);
  });

  it('never groups state-changing steps', () => {
    const cancelThenModify = () => run((b) => {
      b.tool('modify_pending_order_items', { order_id: '#W1' }, 'Error: the number of items should match', true);
      b.tool('modify_pending_order_address', { order_id: '#W1' }, '{}');
    });
    expect(stepAlternatives([cancelThenModify(), cancelThenModify(), cancelThenModify()]).size).toBe(0);
  });
});

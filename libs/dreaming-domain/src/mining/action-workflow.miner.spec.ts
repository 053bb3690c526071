import { lessonCandidateSchema, type SessionEvent, type SessionOutcome } from '@reverie/contracts';
import { SessionBuilder } from '../synthetic/session.builder';
import { extractSignals } from '../signals/extract-signals.extractor';
import type { SessionSignals } from '../signals/session-signals.model';
import { DEFAULT_THRESHOLDS } from '../thresholds';
import { mineActionWorkflows } from './action-workflow.miner';

const t = DEFAULT_THRESHOLDS;
let n = 0;
/** One outcome-labelled run; calls listed in `byUser` are made by the (simulated) user, as τ²-bench records them. */
function run(agent: string, steps: ReadonlyArray<string | [string, string, boolean]>, outcome: SessionOutcome, byUser: readonly string[] = []): SessionSignals {
  const b = new SessionBuilder('acme', `run${String(n).padStart(3, '0')}`, agent, `user-${n % 7}`, Date.UTC(2026, 0, 1) + n++ * 60_000);
  b.start(`request number ${n} about something else entirely ${n * 7}`);
  const userCalls = new Set<string>();
  for (const st of steps) {
    const [tool, output, isError] = typeof st === 'string' ? [st, 'ok', false] : st;
    const id = b.tool(tool, { ref: `${tool}-${n}` }, output, isError);
    if (byUser.includes(tool)) userCalls.add(id);
  }
  const events: SessionEvent[] = b.end(outcome).map((e) => (e.type === 'ToolCallRecorded' && userCalls.has(e.data.toolCallId) ? { ...e, actor: { kind: 'user', id: 'simulated-user' } } : e));
  return extractSignals(events);
}
const none = { covered: new Set<string>(), promptClustered: new Set<string>() };

describe('mineActionWorkflows', () => {
  const cancel = (lookup: 'email' | 'zip' | 'fallback', outcome: SessionOutcome = 'success') => run('retail', [
    ...(lookup === 'email' ? ['find_user_id_by_email'] : lookup === 'zip' ? ['find_user_id_by_name_zip'] : [['find_user_id_by_email', 'Error: user not found', true] as [string, string, boolean], 'find_user_id_by_name_zip']),
    'get_order_details', 'cancel_pending_order',
  ], outcome);
  const other = () => run('retail', ['find_user_id_by_name_zip', 'get_order_details'], 'success');

  it('takes the runs that found the user either way as having done that step', () => {
    const sessions = [cancel('fallback'), cancel('fallback'), cancel('email'), cancel('zip'), cancel('email', 'failure'), other(), other()];
    const [w] = mineActionWorkflows('acme', sessions, t, none);
    expect(w.facts).toMatchObject({ action: 'cancel_pending_order', steps: ['find_user_id_by_email | find_user_id_by_name_zip', 'get_order_details', 'cancel_pending_order'], succeeded: 4, total: 5 });
    expect(w.scope.tools).toEqual(['cancel_pending_order', 'find_user_id_by_email', 'find_user_id_by_name_zip', 'get_order_details']);
    expect(w.text).toBe('Before `cancel_pending_order`, follow `find_user_id_by_email` or `find_user_id_by_name_zip` → `get_order_details` → `cancel_pending_order`: '
      + 'the runs that completed it successfully did these steps first (all of them in 4 of 4); runs that called it succeeded in 4 of 5.');
    expect(() => lessonCandidateSchema.parse(w)).not.toThrow();
  });

  it('leaves out a step most successful runs happened to run when the runs without it did as well', () => {
    const deploy = (search: boolean, outcome: SessionOutcome = 'success') => run('ops', [...(search ? ['code_search'] : []), 'vault_read', 'get_config', 'deploy_service'], outcome);
    const sessions = [deploy(true), deploy(true), deploy(true), deploy(false), deploy(false), deploy(true, 'failure'), run('ops', ['code_search', 'Read'], 'success')];
    const [w] = mineActionWorkflows('acme', sessions, t, none);
    expect(w.facts.steps).toEqual(['vault_read', 'get_config', 'deploy_service']);
  });

  it('names the steps the user made, keeps other actions of the procedure, and makes one lesson of a chain', () => {
    const suspended = (outcome: SessionOutcome = 'success') => run('telecom', ['get_customer_by_phone', 'check_status_bar', 'get_bills_for_customer', 'send_payment_request', 'make_payment', 'resume_line', 'reboot_device'], outcome, ['check_status_bar', 'make_payment', 'reboot_device']);
    const roaming = () => run('telecom', ['get_customer_by_phone', 'check_status_bar', 'toggle_airplane_mode'], 'failure', ['check_status_bar', 'toggle_airplane_mode']);
    const sessions = [suspended(), suspended(), suspended(), suspended('failure'), roaming(), roaming(), roaming()];
    const found = mineActionWorkflows('acme', sessions, t, none);
    // `send_payment_request` is the beginning of `resume_line`'s workflow, and `make_payment` is the user's: one lesson.
    expect(found.map((w) => w.facts.action)).toEqual(['resume_line']);
    expect(found[0].facts).toMatchObject({ steps: ['get_customer_by_phone', 'check_status_bar', 'get_bills_for_customer', 'send_payment_request', 'make_payment', 'resume_line'], userSteps: ['check_status_bar', 'make_payment'] });
    expect(found[0].text).toMatch(/^Before `resume_line`, follow `get_customer_by_phone` → ask the user to run `check_status_bar` → `get_bills_for_customer` → `send_payment_request` → ask the user to run `make_payment` → `resume_line`: /);
  });

  it('proposes nothing for what every run does, nor where recurring prompts already gave the workflow', () => {
    const submit = (outcome: SessionOutcome) => run('swe', ['find_file', 'open', 'edit', 'submit'], outcome);
    expect(mineActionWorkflows('acme', [submit('success'), submit('success'), submit('success'), submit('failure')], t, none)).toEqual([]);
    const sessions = [cancel('fallback'), cancel('fallback'), cancel('email'), cancel('zip'), other()];
    expect(mineActionWorkflows('acme', sessions, t, none)).toHaveLength(1);
    expect(mineActionWorkflows('acme', sessions, t, { covered: new Set(), promptClustered: new Set(sessions.map((s) => s.sessionId)) })).toEqual([]);
    expect(mineActionWorkflows('acme', sessions, t, { covered: new Set(['cancel_pending_order']), promptClustered: new Set() })).toEqual([]);
  });
});

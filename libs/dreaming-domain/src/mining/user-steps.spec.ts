import type { SessionEvent } from '@reverie/contracts';
import { SessionBuilder } from '../synthetic/session.builder';
import { extractSignals } from '../signals/extract-signals.extractor';
import { userStepsOf } from './user-steps';

/** A τ²-bench-like run: the simulated user's own tool calls carry a user actor. */
function run(i: number, calls: ReadonlyArray<[string, 'agent' | 'user']>) {
  const b = new SessionBuilder('acme', `tel${i}`, 'telecom', 'u1', Date.UTC(2026, 0, 1) + i * 60_000);
  b.start('My phone shows No Service');
  const byUser = new Set(calls.map(([tool, who]) => (who === 'user' ? b.tool(tool, {}, 'ok') : (b.tool(tool, {}, 'ok'), ''))).filter(Boolean));
  const events: SessionEvent[] = b.end('success').map((e) => (e.type === 'ToolCallRecorded' && byUser.has(e.data.toolCallId) ? { ...e, actor: { kind: 'user', id: 'sim' } } : e));
  return extractSignals(events);
}

describe('userStepsOf', () => {
  it('records which calls the user made and names the steps the user makes in most runs', () => {
    const a = run(1, [['get_customer_by_phone', 'agent'], ['check_status_bar', 'user'], ['toggle_airplane_mode', 'user']]);
    expect(a.userCalls).toEqual([1, 2]);
    const b = run(2, [['get_customer_by_phone', 'agent'], ['check_status_bar', 'user']]);
    // The agent ran it itself here, and in no other run: not the user's step.
    const c = run(3, [['toggle_airplane_mode', 'agent']]);
    const d = run(4, [['toggle_airplane_mode', 'agent']]);
    expect([...userStepsOf([a, b, c, d])].sort()).toEqual(['check_status_bar']);
    expect(run(5, [['get_customer_by_phone', 'agent']]).userCalls).toBeUndefined();
  });
});

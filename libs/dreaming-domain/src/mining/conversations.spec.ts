import type { SessionSignals } from '../signals/session-signals.model';
import { withConversationRoots } from './conversations';

const signals = (sessionId: string, toolCallIds: string[], rootId?: string): SessionSignals => ({
  tenantId: 'acme', sessionId, agentId: 'claude-code', startedAt: '2026-01-01T00:00:00Z', endedAt: '2026-01-01T00:10:00Z', outcome: 'unknown',
  taskEventId: `${sessionId}-e0`, toolSequence: toolCallIds.map(() => 'Read'), toolEventIds: toolCallIds.map((_, i) => `${sessionId}-e${i + 1}`), toolCallIds,
  errors: [], retries: [], rejections: [], corrections: [], feedback: [], unconfirmedStateChanges: [], eventCount: toolCallIds.length + 1,
  ...(rootId ? { rootId } : {}),
});
const roots = (list: SessionSignals[]) => withConversationRoots(list).map((s) => s.rootId ?? s.sessionId);

describe('withConversationRoots', () => {
  it('joins a resumed session to the one whose lines it repeats (same provider tool call ids)', () => {
    expect(roots([
      signals('a', ['toolu_01AbCdEfGhIjKlMnOpQrStUv']),
      signals('b', ['toolu_01AbCdEfGhIjKlMnOpQrStUv', 'toolu_01ZyXwVuTsRqPoNmLkJiHgFe']),
      signals('c', ['toolu_01QqQqQqQqQqQqQqQqQqQqQq']),
    ])).toEqual(['a', 'a', 'c']);
  });

  it('puts a sidechain under the root of its parent, even when the parent was itself resumed', () => {
    expect(roots([signals('a', ['toolu_01AbCdEfGhIjKlMnOpQrStUv']), signals('b', ['toolu_01AbCdEfGhIjKlMnOpQrStUv']), signals('b-agent-1', [], 'b')])).toEqual(['a', 'a', 'a']);
  });

  it('never joins sessions on per-session counters such as t1', () => {
    expect(roots([signals('a', ['t1']), signals('b', ['t1'])])).toEqual(['a', 'b']);
  });
});

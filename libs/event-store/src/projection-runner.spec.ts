import type { Envelope } from '@reverie/contracts';
import { claimedOnce } from './projection-runner';
import type { StoredEvent } from './event-store';

const stored = (seq: number, id = `e${seq}`): StoredEvent<Envelope> => ({ seq, subject: 's', event: { id } as Envelope });

describe('claimedOnce', () => {
  it('applies a sequence delivered twice in one batch only once', () => {
    const batch = [stored(1), stored(2), stored(3), stored(2, 'e2-redelivered')];
    expect(claimedOnce(batch, new Set([1, 2, 3])).map((s) => s.seq)).toEqual([1, 2, 3]);
  });

  it('leaves out sequences claimed by an earlier transaction', () => {
    expect(claimedOnce([stored(4), stored(5), stored(6)], new Set([5])).map((s) => s.seq)).toEqual([5]);
  });
});

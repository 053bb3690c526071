import { supportDelta } from './dream-candidate';

describe('supportDelta', () => {
  const current = { sessions: 3, distinctUsers: 2, occurrences: 4, firstSeen: '2025-01-01T00:00:00Z', lastSeen: '2025-01-03T00:00:00Z' };

  it('is the part of the pattern total the lesson does not count yet', () => {
    const total = { sessions: 5, distinctUsers: 3, occurrences: 7, firstSeen: '2025-01-01T00:00:00Z', lastSeen: '2025-01-09T00:00:00Z' };
    expect(supportDelta(current, total)).toEqual({ sessions: 2, distinctUsers: 3, occurrences: 3, firstSeen: total.firstSeen, lastSeen: total.lastSeen });
  });

  it('never goes negative (the lesson may count more than the signals left, e.g. after an erasure)', () => {
    const total = { ...current, sessions: 2, occurrences: 1 };
    expect(supportDelta(current, total)).toMatchObject({ sessions: 0, occurrences: 0 });
  });

  it('carries every other field of the total as it is (fields added to Support later included)', () => {
    const total = { ...current, sessions: 4, occurrences: 6, sources: ['key:ana'], somethingNew: 1 };
    expect(supportDelta(current, total)).toEqual({ ...total, sessions: 1, occurrences: 2 });
  });
});

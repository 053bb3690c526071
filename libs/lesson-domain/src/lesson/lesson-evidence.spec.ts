import { MAX_EVIDENCE_REFS, mergeEvidence } from './lesson-evidence';

describe('mergeEvidence', () => {
  const ref = (i: number) => ({ tenantId: 't', sessionId: `s${i}`, eventId: `e${i}` });

  it('adds the new references once, existing ones first, and sums the counts', () => {
    const merged = mergeEvidence({ refs: Array.from({ length: 45 }, (_, i) => ref(i)), counts: {} }, { refs: Array.from({ length: 10 }, (_, i) => ref(40 + i)), counts: { errors: 2 } });
    expect(merged.refs).toHaveLength(50);
    expect(merged.refs.map((r) => r.eventId).slice(-5)).toEqual(['e45', 'e46', 'e47', 'e48', 'e49']);
    expect(merged.counts).toEqual({ errors: 2 });
  });

  it('keeps at most the view cap of references', () => {
    const current = { refs: Array.from({ length: MAX_EVIDENCE_REFS - 5 }, (_, i) => ref(i)), counts: {} };
    const merged = mergeEvidence(current, { refs: Array.from({ length: 50 }, (_, i) => ref(10_000 + i)), counts: {} });
    expect(merged.refs).toHaveLength(MAX_EVIDENCE_REFS);
    expect(merged.refs[MAX_EVIDENCE_REFS - 1].eventId).toBe('e10004');
  });
});

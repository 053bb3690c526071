import { MAX_EVIDENCE_REFS, mergeEvidence } from './lesson-evidence';

describe('mergeEvidence', () => {
  it('keeps at most the contract cap of references, existing ones first', () => {
    const ref = (i: number) => ({ tenantId: 't', sessionId: `s${i}`, eventId: `e${i}` });
    const current = { refs: Array.from({ length: 45 }, (_, i) => ref(i)), counts: {} };
    const added = { refs: Array.from({ length: 10 }, (_, i) => ref(40 + i)), counts: { errors: 2 } };
    const merged = mergeEvidence(current, added);
    expect(merged.refs).toHaveLength(MAX_EVIDENCE_REFS);
    expect(merged.refs.map((r) => r.eventId).slice(-5)).toEqual(['e45', 'e46', 'e47', 'e48', 'e49']);
    expect(merged.counts).toEqual({ errors: 2 });
  });
});

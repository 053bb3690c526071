import type { LessonCandidate } from '@reverie/contracts';
import { extractSignals } from '../signals/extract-signals.extractor';
import { SessionBuilder } from '../synthetic/session.builder';
import { measureEfficacy } from './measure-efficacy';

const signals = (id: string, outcome: 'success' | 'failure') => {
  const b = new SessionBuilder('acme', id, 'bot', 'u', Date.UTC(2026, 10, 1));
  b.start('Do it');
  return extractSignals(b.end(outcome));
};
const candidate = (fingerprint: string, sessions: string[]): LessonCandidate => ({
  kind: 'mistake', scope: { tenantId: 'acme' }, text: '-', fingerprint, effectSize: null, confidence: 0.5, facts: {},
  support: { sessions: sessions.length, distinctUsers: 1, occurrences: sessions.length, firstSeen: '2026-11-01T00:00:00.000Z', lastSeen: '2026-11-01T00:00:00.000Z', provenance: sessions.map((sessionId) => ({ sessionId })) },
  evidence: { refs: [], counts: {} },
});

describe('measureEfficacy', () => {
  it('counts each ended session once, in the first arm SERVING recorded for the live version; recurrence is the candidate\'s support', () => {
    const [e] = measureEfficacy(
      [{ lessonId: 'L', fingerprint: 'fp', version: 2 }],
      [
        { lessonId: 'L', version: 2, sessionId: 's1', arm: 'served' },
        { lessonId: 'L', version: 2, sessionId: 's1', arm: 'control' }, // a later answer for the same session: the first arm counts
        { lessonId: 'L', version: 2, sessionId: 's2', arm: 'served' },
        { lessonId: 'L', version: 2, sessionId: 's3', arm: 'control' },
        { lessonId: 'L', version: 1, sessionId: 's4', arm: 'control' }, // another version: not this one's evidence
        { lessonId: 'L', version: 2, sessionId: 's5', arm: 'control' }, // not ended yet: no signals
      ],
      [signals('s1', 'success'), signals('s2', 'failure'), signals('s3', 'success'), signals('s4', 'success')],
      [candidate('fp', ['s2', 's3', 's4']), candidate('other', ['s1'])],
    );
    expect(e).toMatchObject({ lessonId: 'L', version: 2, served: { sessions: 2, recurred: 1, failed: 1 }, control: { sessions: 1, recurred: 1, failed: 0 }, verdict: 'measuring' });
  });

  it('a lesson whose pattern the dream no longer finds recurs nowhere', () => {
    const [e] = measureEfficacy([{ lessonId: 'L', fingerprint: 'gone', version: 1 }], [{ lessonId: 'L', version: 1, sessionId: 's1', arm: 'control' }], [signals('s1', 'success')], []);
    expect(e.control).toEqual({ sessions: 1, recurred: 0, failed: 0 });
  });
});

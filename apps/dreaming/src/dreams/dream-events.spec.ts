import { DreamDomainError, initialDreamState } from '@reverie/lesson-domain';
import { decideDreamEvents, dreamCommandMetadata, dreamEvent, DREAMING_ACTOR } from './dream-events';

const T = (s: number) => `2025-03-01T09:00:${String(s).padStart(2, '0')}.000Z`;
const requested = dreamEvent('DreamRequested', 'acme', 'd1', { trigger: 'manual', requestedBy: 'http' }, T(0));
const started = dreamEvent('DreamStarted', 'acme', 'd1', { window: { fromSeq: 1, toSeq: 40 }, analyzerVersion: 'a/1', thresholds: { minSessions: 3 }, synthesizer: 'template' }, T(1));

describe('dream events', () => {
  it('gives each event type of a dream one deterministic id, so a retried append is a duplicate', () => {
    expect(dreamEvent('DreamRequested', 'acme', 'd1', { trigger: 'manual', requestedBy: 'x' }, T(9)).id).toBe(requested.id);
    expect(started.id).not.toBe(requested.id);
  });

  it('refuses an invalid event, naming the field', () => {
    expect(() => dreamEvent('DreamStarted', 'acme', 'd1', { window: { fromSeq: -1, toSeq: 0 }, analyzerVersion: 'a', thresholds: {}, synthesizer: 't' }, T(0)))
      .toThrow(/window\.fromSeq/);
  });

  it('wraps what the dream decider decides in this service\'s envelopes', () => {
    const [event] = decideDreamEvents('acme', 'd1', { status: 'requested' }, {
      type: 'FailDream', data: { error: 'boom' }, metadata: dreamCommandMetadata('d1', T(5), requested.id),
    });
    expect(event).toEqual(dreamEvent('DreamFailed', 'acme', 'd1', { error: 'boom' }, T(5), requested.id));
    expect(event).toMatchObject({ actor: DREAMING_ACTOR, correlationId: 'd1', causationId: requested.id, occurredAt: T(5) });
  });

  it('passes on the decider\'s refusal', () => {
    const complete = () => decideDreamEvents('acme', 'd1', initialDreamState(), {
      type: 'CompleteDream',
      data: { counts: {}, tokens: { input: 0, output: 0 }, durationMs: 1, proposedLessonIds: [], reinforcedLessonIds: [] },
      metadata: dreamCommandMetadata('d1', T(5)),
    });
    expect(complete).toThrow(DreamDomainError);
    expect(complete).toThrow(/never requested/);
  });
});

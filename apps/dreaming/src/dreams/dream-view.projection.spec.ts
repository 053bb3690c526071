import { dreamEvent } from './dream-events';
import { dreamViewOf } from './dream-view.projection';

const T = (s: number) => `2025-03-01T09:00:${String(s).padStart(2, '0')}.000Z`;
const requested = dreamEvent('DreamRequested', 'acme', 'd1', { trigger: 'manual', requestedBy: 'http' }, T(0));
const started = dreamEvent('DreamStarted', 'acme', 'd1', { window: { fromSeq: 1, toSeq: 40 }, analyzerVersion: 'a/1', thresholds: { minSessions: 3 }, synthesizer: 'template' }, T(1));

describe('dreamViewOf', () => {
  it('has no view before DreamRequested', () => {
    expect(dreamViewOf([])).toBeUndefined();
  });

  it('given requested, started: running', () => {
    expect(dreamViewOf([requested, started])).toEqual({
      id: 'd1', tenantId: 'acme', status: 'running', trigger: 'manual', requestedAt: T(0), proposedLessonIds: [], reinforcedLessonIds: [],
    });
  });

  it('given requested, started, completed: completed with counts, tokens and lesson ids', () => {
    const completed = dreamEvent('DreamCompleted', 'acme', 'd1', {
      counts: { proposed: 1 }, tokens: { input: 10, output: 5 }, durationMs: 12, proposedLessonIds: ['l1'], reinforcedLessonIds: ['l2'],
    }, T(3));
    expect(dreamViewOf([requested, started, completed])).toMatchObject({
      status: 'completed', completedAt: T(3), counts: { proposed: 1 }, tokens: { input: 10, output: 5 }, durationMs: 12,
      proposedLessonIds: ['l1'], reinforcedLessonIds: ['l2'],
    });
  });

  it('given requested, started, failed: failed with the error', () => {
    const failed = dreamEvent('DreamFailed', 'acme', 'd1', { error: 'boom' }, T(2));
    expect(dreamViewOf([requested, started, failed])).toMatchObject({ status: 'failed', error: 'boom', completedAt: T(2) });
  });

  it('gives each event type of a dream one deterministic id, so a retried append is a duplicate', () => {
    expect(dreamEvent('DreamRequested', 'acme', 'd1', { trigger: 'manual', requestedBy: 'x' }, T(9)).id).toBe(requested.id);
    expect(started.id).not.toBe(requested.id);
  });

  it('refuses an invalid event, naming the field', () => {
    expect(() => dreamEvent('DreamStarted', 'acme', 'd1', { window: { fromSeq: -1, toSeq: 0 }, analyzerVersion: 'a', thresholds: {}, synthesizer: 't' }, T(0)))
      .toThrow(/window\.fromSeq/);
  });
});

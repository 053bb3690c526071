import type { DreamEvent } from '@reverie/contracts';
import { dreamViewOf, evolveDreamView, UNKNOWN_DREAM_TRIGGER } from './dream-view.projection';
import { completed, failed, requested, started, storedDream } from '../testing/dream.fixtures';

const T = (s: number) => `2025-03-01T09:00:${String(s).padStart(2, '0')}.000Z`;
const req = storedDream(requested('schedule'), T(0));
const start = storedDream(started(), T(1));
const done = storedDream(completed(['l1'], ['l2']), T(3));
const fail = storedDream(failed('boom'), T(2));
const fold = (events: DreamEvent[]) => dreamViewOf(events);

describe('dream view', () => {
  it('has no view before any event', () => expect(dreamViewOf([])).toBeUndefined());

  it('given requested: requested, with trigger and time', () => {
    expect(fold([req])).toEqual({
      id: 'dream-1', tenantId: 'acme', status: 'requested', trigger: 'schedule', requestedAt: T(0), proposedLessonIds: [], reinforcedLessonIds: [],
    });
  });

  it('given requested, started: running', () => {
    expect(fold([req, start])).toEqual({
      id: 'dream-1', tenantId: 'acme', status: 'running', trigger: 'schedule', requestedAt: T(0), proposedLessonIds: [], reinforcedLessonIds: [],
    });
  });

  it('given requested, started, completed: completed with counts, tokens, duration and lesson ids', () => {
    expect(fold([req, start, done])).toEqual({
      id: 'dream-1', tenantId: 'acme', status: 'completed', trigger: 'schedule', requestedAt: T(0), completedAt: T(3),
      counts: { sessions: 40, proposed: 1 }, tokens: { input: 10, output: 5 }, durationMs: 1200, proposedLessonIds: ['l1'], reinforcedLessonIds: ['l2'],
    });
  });

  it('given requested, (started,) failed: failed with the error', () => {
    expect(fold([req, start, fail])).toMatchObject({ status: 'failed', error: 'boom', completedAt: T(2) });
    expect(fold([req, fail])).toMatchObject({ status: 'failed', error: 'boom', completedAt: T(2) });
  });

  it('is idempotent: every event delivered twice gives the same view', () => {
    expect(fold([req, req, start, start, done, done])).toEqual(fold([req, start, done]));
    expect(fold([req, fail, fail])).toEqual(fold([req, fail]));
  });

  it('never moves backwards, and the first ending stands', () => {
    expect(fold([req, start, done, start])).toEqual(fold([req, start, done]));
    expect(fold([req, start, done, fail])).toEqual(fold([req, start, done]));
    expect(fold([req, start, fail, done])).toEqual(fold([req, start, fail]));
  });

  it('gives a view to a run seen without its request, and fills it in when the request turns up', () => {
    expect(fold([start])).toEqual({
      id: 'dream-1', tenantId: 'acme', status: 'running', trigger: UNKNOWN_DREAM_TRIGGER, requestedAt: T(1), proposedLessonIds: [], reinforcedLessonIds: [],
    });
    expect(fold([done])).toMatchObject({ status: 'completed', trigger: UNKNOWN_DREAM_TRIGGER, proposedLessonIds: ['l1'] });
    expect(fold([start, req])).toMatchObject({ status: 'running', trigger: 'schedule', requestedAt: T(0) });
  });

  it('a redelivered request does not change a view that has its trigger', () => {
    const view = fold([req, start])!;
    expect(evolveDreamView(view, storedDream(requested('manual'), T(9)))).toBe(view);
  });
});

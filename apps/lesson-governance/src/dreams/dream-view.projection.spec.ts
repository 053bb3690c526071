import type { DreamEvent } from '@reverie/contracts';
import { evolveDreamView } from './dream-view.projection';

const envelope = { schemaVersion: 1, tenantId: 'acme', streamId: 'd1', recordedAt: '2025-03-01T10:00:00.000Z', actor: { kind: 'service' as const, id: 'dreaming' }, correlationId: 'c1' };
const requested: DreamEvent = { ...envelope, id: 'e1', type: 'DreamRequested', occurredAt: '2025-03-01T10:00:00.000Z', data: { trigger: 'manual', requestedBy: 'alice' } };
const started: DreamEvent = { ...envelope, id: 'e2', type: 'DreamStarted', occurredAt: '2025-03-01T10:00:01.000Z', data: { window: { fromSeq: 1, toSeq: 9 }, analyzerVersion: '1', thresholds: {}, synthesizer: 'template' } };
const completed: DreamEvent = {
  ...envelope, id: 'e3', type: 'DreamCompleted', occurredAt: '2025-03-01T10:00:05.000Z',
  data: { counts: { sessions: 9, proposed: 1 }, tokens: { input: 0, output: 0 }, durationMs: 4000, proposedLessonIds: ['l1'], reinforcedLessonIds: [] },
};
const failed: DreamEvent = { ...envelope, id: 'e4', type: 'DreamFailed', occurredAt: '2025-03-01T10:00:06.000Z', data: { error: 'boom' } };

const fold = (events: DreamEvent[]) => events.reduce(evolveDreamView, undefined as ReturnType<typeof evolveDreamView> | undefined);

describe('evolveDreamView', () => {
  it('given requested, started, completed: a completed view with the counts and lesson ids', () => {
    expect(fold([requested, started, completed])).toEqual({
      id: 'd1', tenantId: 'acme', status: 'completed', trigger: 'manual', requestedAt: requested.occurredAt,
      completedAt: completed.occurredAt, counts: { sessions: 9, proposed: 1 }, tokens: { input: 0, output: 0 }, durationMs: 4000,
      proposedLessonIds: ['l1'], reinforcedLessonIds: [],
    });
  });

  it('is idempotent: every event delivered twice gives the same view', () => {
    expect(fold([requested, requested, started, started, completed, completed])).toEqual(fold([requested, started, completed]));
  });

  it('never moves the status backwards on a late redelivery', () => {
    expect(fold([requested, started, completed, started])?.status).toBe('completed');
    expect(fold([requested, failed, completed])).toMatchObject({ status: 'failed', error: 'boom' });
  });

  it('gives a view to a run seen without its request', () => {
    expect(fold([started])).toMatchObject({ id: 'd1', status: 'running', trigger: 'unknown', requestedAt: started.occurredAt });
  });
});

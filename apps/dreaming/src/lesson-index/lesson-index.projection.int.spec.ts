import type { DataSource } from 'typeorm';
import type { LessonEvent } from '@reverie/contracts';
import type { StoredEvent } from '@reverie/event-store';
import { connectMigrated } from '@reverie/persistence';
import { pgTestEnv, type PgTestEnv } from '@reverie/testing';
import { existingLessons, lessonIndexProjection } from './lesson-index.projection';

const at = '2025-03-01T09:00:00.000Z';
const env = (id: string, type: string, data: unknown, actor = { kind: 'service', id: 'dreaming' }) =>
  ({ id, type, schemaVersion: 1, tenantId: 'acme', streamId: 'l1', occurredAt: at, recordedAt: at, actor, correlationId: 'c', data }) as LessonEvent;
const support = (sessions: number) => ({ sessions, distinctUsers: 1, occurrences: sessions, firstSeen: at, lastSeen: at });
const ref = (eventId: string) => ({ tenantId: 'acme', sessionId: `s-${eventId}`, eventId });

const events: LessonEvent[] = [
  env('e1', 'LessonProposed', {
    kind: 'mistake', scope: { tenantId: 'acme' }, text: 'Run the build first.', fingerprint: 'mistake:fp', support: support(3),
    effectSize: null, confidence: 0.8, evidence: { refs: [ref('a'), ref('b'), ref('c')], counts: { errors: 3 } }, dreamId: 'd1',
  }),
  env('e2', 'LessonRejected', { reviewer: 'rita', reason: 'no', supportAtRejection: 3 }, { kind: 'reviewer', id: 'rita' }),
  env('e3', 'LessonEvidenceAdded', { dreamId: 'd2', support: support(1), evidence: { refs: [ref('d')], counts: { errors: 1 } }, confidence: 0.8 }),
];

describe('lesson index projection (real Postgres)', () => {
  let pg: PgTestEnv;
  let ds: DataSource;
  beforeAll(async () => {
    pg = await pgTestEnv();
    ds = await connectMigrated(pg.url);
  });
  afterAll(async () => {
    await ds?.destroy();
    await pg?.cleanup();
  });

  const deliver = (list: LessonEvent[]) =>
    ds.transaction((m) => lessonIndexProjection.apply(m, list.map((event, i): StoredEvent<LessonEvent> => ({ event, seq: i + 1, subject: 'x' }))));

  it('indexes fingerprint, status, support, support at rejection and every cited event id', async () => {
    await deliver(events);
    expect(await existingLessons(ds.manager, 'acme')).toEqual([{
      id: 'l1', fingerprint: 'mistake:fp', status: 'rejected', supportSessions: 4, supportAtRejection: 3, evidenceEventIds: ['a', 'b', 'c', 'd'],
    }]);
  });

  it('ends with the same row when every event is delivered twice, in one batch or in separate ones', async () => {
    const before = await existingLessons(ds.manager, 'acme');
    await deliver(events.flatMap((e) => [e, e]));
    for (const e of events) await deliver([e]);
    expect(await existingLessons(ds.manager, 'acme')).toEqual(before);
  });
});

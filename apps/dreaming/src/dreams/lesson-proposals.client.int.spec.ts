import type { LessonProposalRequest } from '@reverie/contracts';
import { natsTestEnv, type NatsTestEnv } from '@reverie/testing';
import { LessonProposalsClient } from './lesson-proposals.client';

const request: LessonProposalRequest = {
  dreamId: 'dream-1', causationId: 'started-1', now: '2025-03-01T10:00:00.000Z', action: 'propose', lessonId: 'lesson-1', rejectedRegrowthFactor: 2,
  candidate: {
    kind: 'mistake', scope: { tenantId: 'acme' }, text: 'Build first.', fingerprint: 'fp-build-first',
    support: { sessions: 3, distinctUsers: 1, occurrences: 3, firstSeen: '2025-02-01T00:00:00.000Z', lastSeen: '2025-02-02T00:00:00.000Z' },
    effectSize: null, confidence: 0.5, evidence: { refs: [], counts: {} }, facts: {},
  },
};

describe('LessonProposalsClient when lesson-governance does not answer (real NATS)', () => {
  let nats: NatsTestEnv;
  beforeAll(async () => {
    nats = await natsTestEnv();
  });
  afterAll(async () => nats?.cleanup());

  it('says so when nothing listens on the proposal subject', async () => {
    const client = new LessonProposalsClient(nats.nc, nats.topology);
    await expect(client.propose('acme', request)).rejects.toThrow(
      `lesson-governance did not answer the lesson proposal for fp-build-first: nothing listens on ${nats.topology.command('lessons.propose', 'acme')}: is it running?`,
    );
  });

  it('gives up after its timeout when a listener takes the request and never answers', async () => {
    const silent = nats.nc.subscribe(nats.topology.command('lessons.propose', 'acme'));
    await nats.nc.flush();
    try {
      const client = new LessonProposalsClient(nats.nc, nats.topology, 300);
      await expect(client.propose('acme', request)).rejects.toThrow('lesson-governance did not answer the lesson proposal for fp-build-first within 0.3s: is it running?');
    } finally {
      silent.unsubscribe();
    }
  });
});
